# Two static programs for files_exec.mm: non-PIE and static-PIE.
mkdir bin
printf 'int x[1000] = {1}; int y[100000]; int main(void) { return x[0] + y[1]; }\n' > prog.c
cc -O2 -static -no-pie -o bin/prog prog.c || exit 1
cc -O2 -static-pie -o bin/spie prog.c || exit 1
