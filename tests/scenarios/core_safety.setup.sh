# What core_safety.mm's dumps must not harm: a file a symbolic link in the
# core directory points to, a dangling link, a directory where a core would
# go, a file hard-linked into the core directory, and a read-only mount.
mkdir cores outside ro || exit 1
echo precious > outside/target
echo "keep me" > outside/keep
ln -s ../outside/target cores/core.2
ln -s ../outside/nothere cores/core.3
mkdir cores/core.4
ln outside/keep cores/core.5
