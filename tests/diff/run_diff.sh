#!/bin/sh
# Differential tests, mmkit against the host kernel.  See run_diff.py --help.
#   tests/diff/run_diff.sh --seed S --count N --len L --mmkit build/release/mmkit [CASES...]
exec python3 "$(dirname "$0")/run_diff.py" "$@"
