# Hand-built images for exec_elf_edges.mm (tests/fuzz/gen_elf_seeds.py).
python3 "$(dirname "$0")/../fuzz/gen_elf_seeds.py" elf || exit 1
