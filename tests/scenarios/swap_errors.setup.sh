mkdir host
# a swap header over a sparse file: swapon finds the holes
python3 - <<'PY'
import struct
pages = 64
hdr = bytearray(4096)
struct.pack_into("<III", hdr, 1024, 1, pages - 1, 0)
hdr[4086:4096] = b"SWAPSPACE2"
with open("host/sparse", "wb") as f:
    f.write(hdr)
    f.truncate(pages * 4096)
PY
