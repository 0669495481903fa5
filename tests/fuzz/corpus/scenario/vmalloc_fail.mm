# Allocation failures inside vmalloc: each returns NULL (ENOMEM) and leaves
# nothing behind (vmallocinfo unchanged, verify clean).
machine ram=64M cpus=1 levels=4
vmalloc 64K -> a
fail vm_struct_alloc nth=1
vmalloc 64K expect=ENOMEM
fail vmap_area_alloc nth=1
vmalloc 64K expect=ENOMEM
fail vmalloc_pages_array nth=1
vmalloc 64K expect=ENOMEM
fail alloc_pages nth=9
vmalloc 64K expect=ENOMEM
fail vmalloc_window nth=1
vmalloc 64K expect=ENOMEM
fail off
verify
cat /proc/vmallocinfo
vmalloc 64K -> b
cat /proc/vmallocinfo
vfree $a
vfree $b
verify
