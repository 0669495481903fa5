# Host files of the core_filter_*.mm scenarios (run in the scenario's fresh
# directory by tests/run_scenario.sh): the directory the cores go to and two
# 8 KiB data files to map, one for private mappings ('f' bytes, 0x66) and
# one for a shared mapping ('s' bytes, 0x73).
mkdir cores data || exit 1
head -c 8192 /dev/zero | tr '\0' 'f' > data/file.bin
head -c 8192 /dev/zero | tr '\0' 's' > data/shared.bin
