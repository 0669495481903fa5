mkdir host
python3 -c 'open("host/data", "wb").write(bytes(range(256)) * 64)'
