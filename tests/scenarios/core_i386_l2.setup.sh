mkdir cores
