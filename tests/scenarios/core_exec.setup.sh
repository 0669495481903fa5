# A static program for core_exec.mm (as files_exec.setup.sh builds one), and
# the directory the core goes to.
mkdir bin cores || exit 1
printf 'int x[1000] = {1}; int y[100000]; int main(void) { return x[0] + y[1]; }\n' > prog.c
cc -O2 -static -no-pie -o bin/prog prog.c || exit 1
