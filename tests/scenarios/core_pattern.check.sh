# The names core_pattern.mm's patterns gave, on the host: exactly these
# files, each an ELF core file.
for f in 'A-1-1-1-1-0-0-1-11-3-(none)-1048576-0-%--' '!usr!bin!mmkit-exec@mmkit-exec' plain.3; do
  [ -f "cores/$f" ] || { echo "missing core file cores/$f"; ls cores; exit 1; }
  readelf -h "cores/$f" | grep -q 'CORE (Core file)' || { echo "cores/$f is not an ELF core"; exit 1; }
done
[ "$(ls cores | wc -l)" -eq 3 ] || { echo "unexpected files:"; ls cores; exit 1; }
