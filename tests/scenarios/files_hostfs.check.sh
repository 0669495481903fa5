# The host sees exactly what the scenario wrote through the mapping and
# msync'd: the same bytes, and not one past EOF.
cmp host/data expected
