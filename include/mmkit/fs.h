/*
 * fs.h - the VFS (fs/; Linux include/linux/fs.h, dcache.h, mount.h,
 * fdtable.h at the level mmkit needs): super blocks, inodes, dentries,
 * mounts, open files and descriptor tables, and the file system calls.
 *
 * The name space: `/` is a tmpfs (mm/shmem.c: files whose pages live in
 * simulated memory); `mount HOSTDIR PATH` puts a hostfs (fs/hostfs.c) at
 * PATH, whose files are the host's files under HOSTDIR, read and written
 * through the page cache and the block layer.  The internal shm mount
 * (device 00:01) holds the unlinked "/dev/zero" objects of shared anonymous
 * memory.  Paths are absolute (every task's working directory is /).
 *
 * Objects and their references:
 *   dentry   a name in a directory.  The parent holds a reference on each
 *            child it lists; a child holds one on its parent; an open file
 *            holds one on its dentry.  The dentry holds its inode.  unlink
 *            takes the dentry off its parent's list (d_unhashed: maps print
 *            " (deleted)"); what still refers to it keeps it.
 *   inode    i_count references (dentries, open files through them); the
 *            last iput of an inode with i_nlink 0 frees its page cache and,
 *            for hostfs, closes the host file.  Inodes with links stay cached
 *            with their dentry until umount (no dentry reclaim yet).
 *   file     f_count references: descriptors, VMAs, the loader.
 *
 * Locks, outermost first (the rest of the order is at the top of mm/rmap.c):
 *   namespace_sem (rw_semaphore)    the dentry tree and the mount table
 *   file->f_pos_lock                read/write/lseek of one open file
 *   inode->i_rwsem (inode_lock)     writes, truncate, fallocate of a file
 *   mm->mmap_lock                   (copy_to_user / copy_from_user fault)
 *   page lock, i_mmap_rwsem, PTE locks, i_pages_lock (mm/)
 *   files->file_lock                a descriptor table (a leaf)
 */
#ifndef MMKIT_FS_H
#define MMKIT_FS_H

#include <sys/types.h>
#include "mmkit/mm_types.h"
#include "mmkit/mm_vma.h"

/* loff_t is the libc type (long on x86-64), as in the kernel */
typedef unsigned int umode_t;
typedef unsigned int fmode_t;

/* ---- uapi (x86-64 values) ---- */
#define MMK_O_ACCMODE 00000003
#define MMK_O_RDONLY 00000000
#define MMK_O_WRONLY 00000001
#define MMK_O_RDWR 00000002
#define MMK_O_CREAT 00000100
#define MMK_O_EXCL 00000200
#define MMK_O_NOCTTY 00000400
#define MMK_O_TRUNC 00001000
#define MMK_O_APPEND 00002000
#define MMK_O_NONBLOCK 00004000
#define MMK_O_DSYNC 00010000
#define MMK_O_DIRECT 00040000
#define MMK_O_LARGEFILE 00100000
#define MMK_O_DIRECTORY 00200000
#define MMK_O_NOFOLLOW 00400000
#define MMK_O_NOATIME 01000000
#define MMK_O_CLOEXEC 02000000
#define MMK_O_SYNC 04010000
#define MMK_O_PATH 010000000
#define MMK_O_TMPFILE 020200000

#define MMK_S_IFMT 0170000
#define MMK_S_IFDIR 0040000
#define MMK_S_IFREG 0100000
#define MMK_S_IFLNK 0120000
#define MMK_S_ISDIR(m) (((m)&MMK_S_IFMT) == MMK_S_IFDIR)
#define MMK_S_ISREG(m) (((m)&MMK_S_IFMT) == MMK_S_IFREG)
#define MMK_S_ISLNK(m) (((m)&MMK_S_IFMT) == MMK_S_IFLNK)

#define MMK_SEEK_SET 0
#define MMK_SEEK_CUR 1
#define MMK_SEEK_END 2
#define MMK_SEEK_DATA 3
#define MMK_SEEK_HOLE 4

#define MMK_FALLOC_FL_KEEP_SIZE 0x01
#define MMK_FALLOC_FL_PUNCH_HOLE 0x02
#define MMK_FALLOC_FL_NO_HIDE_STALE 0x04
#define MMK_FALLOC_FL_COLLAPSE_RANGE 0x08
#define MMK_FALLOC_FL_ZERO_RANGE 0x10
#define MMK_FALLOC_FL_INSERT_RANGE 0x20
#define MMK_FALLOC_FL_UNSHARE_RANGE 0x40

#define MMK_POSIX_FADV_NORMAL 0
#define MMK_POSIX_FADV_RANDOM 1
#define MMK_POSIX_FADV_SEQUENTIAL 2
#define MMK_POSIX_FADV_WILLNEED 3
#define MMK_POSIX_FADV_DONTNEED 4
#define MMK_POSIX_FADV_NOREUSE 5

#define MAX_RW_COUNT (0x7fffffffL & (long)PAGE_MASK)
#define MAX_LFS_FILESIZE 0x7fffffffffffffffLL

#define FMODE_READ 0x1
#define FMODE_WRITE 0x2
#define FMODE_LSEEK 0x4
#define FMODE_PREAD 0x8
#define FMODE_PWRITE 0x10
#define FMODE_RANDOM 0x1000 /* POSIX_FADV_RANDOM */
#define FMODE_NOREUSE 0x800000

#define SB_RDONLY 0x1

struct inode;
struct dentry;
struct super_block;
struct vm_area_struct;
struct writeback_control;
struct readahead_control;
struct backing_dev_info;
struct block_device;

struct super_operations {
	/* The inode's last reference went and it has no links: free what the
	 * file system keeps (pages are already gone). */
	void (*evict_inode)(struct inode *inode);
	/* Drop what the file system keeps for a cached inode (umount). */
	void (*destroy_inode)(struct inode *inode);
	/* Write back and release the super block at umount. */
	void (*put_super)(struct super_block *sb);
};

struct inode_operations {
	/* Fill d (a new, negative dentry of dir) with its inode: 0, -ENOENT, ... */
	int (*lookup)(struct inode *dir, struct dentry *d);
	int (*create)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*mkdir)(struct inode *dir, struct dentry *d, umode_t mode);
	int (*unlink)(struct inode *dir, struct dentry *d);
	/* The file's size changes to size (truncate, extend): the caller holds
	 * inode_lock.  0 or -errno. */
	int (*setsize)(struct inode *inode, loff_t size);
	/* st_blocks for stat (512-byte units). */
	unsigned long (*getblocks)(struct inode *inode);
	/* May the caller access the inode as mask (MAY_WRITE) says?  0 or
	 * -errno; NULL: always.  May be called with namespace_sem held (not
	 * inode_lock), any number of times, concurrently. */
	int (*permission)(struct inode *inode, int mask);
};

struct address_space_operations {
	/* Read one locked page from the backing store: uptodate on success;
	 * unlock it in every case.  0 or -EIO. */
	int (*read_folio)(struct file *f, struct page *page);
	/* Read the locked, not-uptodate pages rac describes; each ends unlocked,
	 * uptodate if it was read -- now or when its request completes
	 * (submit_bio: the page stays locked until then). */
	void (*readahead)(struct readahead_control *rac);
	/* Write back dirty pages of the range wbc describes. */
	int (*writepages)(struct address_space *m, struct writeback_control *wbc);
	/* Mark a page dirty: true if it was clean (and was accounted). */
	bool (*dirty_folio)(struct address_space *m, struct page *page);
	/* A write at pos grew the file from old (< pos): the gap's partial
	 * blocks (ext4_da_write_end's zeroing).  Optional.  Caller holds
	 * inode_lock. */
	void (*write_gap)(struct inode *inode, loff_t old, loff_t pos);
	/* A write into this locked page inside EOF needs a new block (ext4:
	 * a hole, not delayed-allocated yet: buffer_new), so even a write
	 * that copies nothing zeroes and dirties it.  Optional. */
	bool (*block_new)(struct inode *inode, struct page *page);
};

struct super_block {
	struct list_head s_list; /* all super blocks, under namespace_sem */
	unsigned int s_dev_major, s_dev_minor;
	unsigned long s_flags; /* SB_RDONLY */
	const char *s_type;    /* "tmpfs", "hostfs", "shm" */
	const struct super_operations *s_op;
	struct dentry *s_root;
	struct block_device *s_bdev;	/* hostfs: where I/O goes and is timed */
	struct backing_dev_info *s_bdi; /* writeback of its inodes */
	char *s_hostdir;		/* hostfs: the host directory (malloc'ed) */
	spinlock_t s_inode_list_lock;
	struct list_head s_inodes; /* every inode of the super block */
	unsigned long s_next_ino;  /* tmpfs: the next inode number */
};

/* i_state bits (writeback, fs/fs-writeback.c), guarded by the bdi's list_lock */
#define I_DIRTY_PAGES 0x1
#define I_SYNC 0x2 /* being written back */
#define I_FREEING 0x4

struct inode {
	umode_t i_mode;
	unsigned int i_nlink; /* guarded by the parent's inode_lock */
	unsigned long i_ino;
	unsigned int i_dev_major, i_dev_minor; /* the device stat and maps show */
	_Atomic loff_t i_size;		       /* i_size_read / i_size_write */
	unsigned long i_blocks;		       /* tmpfs: 512-byte units */
	struct super_block *i_sb;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	struct address_space *i_mapping;
	_Atomic int i_count;
	struct rw_semaphore i_rwsem; /* inode_lock */
	struct list_head i_sb_list;  /* on i_sb->s_inodes */
	/* ---- writeback (fs/fs-writeback.c), under the bdi's wb.list_lock ---- */
	unsigned long i_state;
	unsigned long dirtied_when; /* jiffies of the first dirtying */
	struct list_head i_io_list; /* on wb.b_dirty / b_io / b_more_io */
	/* ---- hostfs ---- */
	int i_hostfd;	      /* -1: none */
	bool i_host_writable; /* i_hostfd is open read-write (READ_ONCE/WRITE_ONCE) */
	/* S_SWAPFILE: an active swap area (writes, truncation and fallocate: -ETXTBSY) */
	bool i_swapfile;
	/* shmem: pages charged to Committed_AS (shmem_acct_size), released at eviction */
	unsigned long i_acct_pages;
};

struct dentry {
	char *d_name; /* kmalloc'ed */
	struct inode *d_inode;
	struct dentry *d_parent; /* itself for a root */
	struct super_block *d_sb;
	struct list_head d_child; /* on d_parent->d_subdirs */
	struct list_head d_subdirs;
	_Atomic int d_count;
	bool d_unhashed; /* unlinked: maps print " (deleted)" */
	/* a host symbolic link (hostfs): its target's inode, or an S_IFLNK one if it dangles */
	bool d_symlink;
	struct dentry *d_mounted;    /* mount point: the root mounted on it */
	struct dentry *d_mountpoint; /* a mounted root: where it is mounted */
};

static inline loff_t i_size_read(const struct inode *inode)
{
	return atomic_load_explicit(&((struct inode *)inode)->i_size, memory_order_acquire);
}
static inline void i_size_write(struct inode *inode, loff_t size)
{
	atomic_store_explicit(&inode->i_size, size, memory_order_release);
}
static inline void inode_lock(struct inode *inode) { down_write(&inode->i_rwsem); }
static inline void inode_unlock(struct inode *inode) { up_write(&inode->i_rwsem); }
static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }

/* ---- fs/libfs.c ---- */
/* Directories: read gives -EISDIR, fsync is a no-op. */
extern const struct file_operations simple_dir_operations;

/* ---- fs/inode.c ---- */
/* A new inode of sb with one reference (fault site inode_alloc); NULL on -ENOMEM. */
struct inode *new_inode(struct super_block *sb);
struct inode *igrab(struct inode *inode);
/* Drop a reference; the last one of an unlinked inode frees it. */
void iput(struct inode *inode);
/* The cached inode of sb with this number, with a reference, or NULL. */
struct inode *ilookup(struct super_block *sb, unsigned long ino);
/* A super block (kernel memory); NULL on -ENOMEM. */
struct super_block *sb_alloc(const char *type, unsigned int major, unsigned int minor);
/* Free every inode and dentry of sb and sb itself (umount, shutdown). */
void kill_sb(struct super_block *sb);
/* The anonymous device numbers Linux gives tmpfs mounts (0:N). */
unsigned int get_anon_dev_minor(void);

/* ---- fs/dcache.c ---- */
struct dentry *d_alloc(struct dentry *parent, const char *name);
struct dentry *d_alloc_root(struct super_block *sb, struct inode *inode);
struct dentry *dget(struct dentry *d);
void dput(struct dentry *d);
/* Put the inode into the negative dentry d and link d under its parent. */
void d_instantiate(struct dentry *d, struct inode *inode);
/* Take d off its parent (unlink): it stays alive while referenced. */
void d_delete(struct dentry *d);
/* Was d unlinked (d_delete)? */
bool d_unlinked(const struct dentry *d);
/* Drop every dentry under root and root's own reference (kill_sb). */
void d_kill_tree(struct dentry *root);
/* The child of parent named name (caller holds namespace_sem), or NULL. */
struct dentry *d_lookup(struct dentry *parent, const char *name);
/* The full path of d as maps and the loader see it (kmalloc'ed), or NULL. */
char *d_path(struct dentry *d);

/* ---- fs/namei.c, fs/namespace.c ---- */
extern struct rw_semaphore namespace_sem;
/* The dentry path names (with a reference), following mounts: 0, -ENOENT,
 * -ENOTDIR, -ENAMETOOLONG, -ENOMEM.  create_parent: the last component may
 * be missing (then *last is its name and the parent is returned). */
int kern_path(const char *path, struct dentry **out);
/* The parent directory of path and the last component's name (points into
 * path, no trailing slash) */
int kern_path_parent(const char *path, struct dentry **parent, char *last, size_t lastlen);
/* mount a host directory at path (made with its parents in tmpfs if
 * missing).  latency in ns, bw bytes/s (0 = unlimited).  0 or -errno. */
int do_mount_host(const char *hostdir, const char *path, bool rdonly, u64 latency_ns, u64 bw);
/* Call fn on every mounted super block (namespace_sem held for read). */
void iterate_supers(void (*fn)(struct super_block *sb, void *arg), void *arg);
/* vm.drop_caches: 1 clean page cache, 2 slab, 3 both, + 4 quiet (fs/drop_caches.c). */
int drop_caches(int mode);
/* The block device of the file system that holds path, or NULL. */
struct block_device *path_bdev(const char *path);
/* mkdir in tmpfs/hostfs.  0 or -errno. */
int do_mkdir(const char *path, umode_t mode);
/* The super block of the root tmpfs and of the internal shm mount. */
extern struct super_block *root_sb, *shm_sb;

/* ---- fs/file_table.c ---- */
/* A new open file of dentry's inode (f_count 1): identity from the inode,
 * path from the dentry.  NULL on -ENOMEM. */
struct file *alloc_file(struct dentry *d, unsigned int flags, fmode_t mode);
/* The release of every file (f_op->release): drops what the file holds
 * and frees it.  Called by the last fput. */
void file_release(struct file *f);
/* A file for an inode with no name (shm objects): path as given. */
struct file *alloc_file_pseudo(struct inode *inode, const char *path, unsigned int flags,
			       fmode_t mode);

/* ---- fs/file.c: descriptor tables ---- */
struct files_struct {
	_Atomic int count; /* tasks sharing it (threads) */
	spinlock_t file_lock;
	unsigned int max_fds; /* slots allocated */
	struct file **fd;     /* kmalloc'ed array */
};
struct files_struct *alloc_files(void);
/* fork: a copy sharing every open file (f_count + 1 each).  NULL on -ENOMEM. */
struct files_struct *dup_fd(struct files_struct *old);
void put_files_struct(struct files_struct *files);
/* The lowest free descriptor, installed with f (the table's reference):
 * fd or -EMFILE / -ENOMEM. */
int fd_install_new(struct files_struct *files, struct file *f, unsigned long nofile);
/* The file of fd with a reference (fput when done), or NULL. */
struct file *fget(struct files_struct *files, int fd);
/* Remove fd: its file, to be fput by the caller, or NULL. */
struct file *fd_remove(struct files_struct *files, int fd);
/* dup2's install: f (the table's reference) at fd, below nofile; the file
 * fd held before, to be fput by the caller, or NULL (then *err is 0, or
 * -EBADF / -ENOMEM and f was not installed). */
struct file *fd_install_at(struct files_struct *files, int fd, struct file *f, unsigned long nofile,
			   int *err);

/* ---- the system calls (fs/open.c, fs/read_write.c, fs/stat.c, fs/sync.c,
 * mm/fadvise.c, mm/readahead.c): on current's descriptor table, Linux's
 * return values and errors (-errno). ---- */
long sys_open(const char *path, int flags, umode_t mode);
long sys_close(int fd);
long sys_dup(int fd);
long sys_read(int fd, unsigned long buf, size_t count);
long sys_write(int fd, unsigned long buf, size_t count);
long sys_pread64(int fd, unsigned long buf, size_t count, loff_t pos);
long sys_pwrite64(int fd, unsigned long buf, size_t count, loff_t pos);
loff_t sys_lseek(int fd, loff_t offset, int whence);
long sys_ftruncate(int fd, loff_t length);
long sys_truncate(const char *path, loff_t length);
long sys_fsync(int fd);
long sys_fdatasync(int fd);
long sys_fallocate(int fd, int mode, loff_t offset, loff_t len);
long sys_fadvise64(int fd, loff_t offset, loff_t len, int advice);
long sys_readahead(int fd, loff_t offset, size_t count);
long sys_unlink(const char *path);
long sys_mkdir(const char *path, umode_t mode);
/* stat: st_size, st_blocks, st_ino, st_nlink of path or fd. */
struct kstat {
	loff_t size;
	unsigned long blocks;
	unsigned long ino;
	unsigned int nlink;
	umode_t mode;
	unsigned int dev_major, dev_minor;
};
long sys_stat(const char *path, struct kstat *st);
long sys_fstat(int fd, struct kstat *st);
/* Open path as the kernel does for its own use (swapon): the file with a
 * reference, or NULL with *err set. */
struct file *do_filp_open(const char *path, int flags, umode_t mode, int *err);
/* The file behind fd of current, for mmap (with a reference), or NULL. */
struct file *fget_current(int fd);
/* sync(2): write back every dirty page of every file system and wait. */
void ksys_sync(void);

/* The generic llseek of regular files (SEEK_DATA/HOLE over the page cache
 * and the backing file). */
loff_t generic_file_llseek(struct file *f, loff_t off, int whence);
/* do_truncate: the size of inode becomes length (inode_lock taken). */
int do_truncate(struct inode *inode, loff_t length);
/* inode_permission (fs/namei.c): the file system's i_op->permission, if
 * any, for the access in mask.  0 or -errno. */
#define MAY_WRITE 0x2
int inode_permission(struct inode *inode, int mask);

#endif
