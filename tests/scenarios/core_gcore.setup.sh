mkdir cores ro
