# Host files for files_hostfs.mm: a 3-page file of a known pattern, and the
# bytes it must hold after the scenario wrote through its shared mapping.
mkdir host
python3 -c '
import sys
data = bytes((i * 7 + 3) & 0xff for i in range(3 * 4096 - 100))
open("host/data", "wb").write(data)
exp = bytearray(data)
exp[0:5] = b"HELLO"
exp[4096:4096 + 4096] = b"\x5a" * 4096
exp[2 * 4096 + 10:2 * 4096 + 13] = b"xyz"
open("expected", "wb").write(exp)
'
