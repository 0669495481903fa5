mkdir host
dd if=/dev/zero of=host/cache bs=1M count=12 status=none
