//! A folder opened once, through which qsite stats, reads, creates, replaces
//! and deletes the files under it by name.
//!
//! Two reasons. Speed: the kernel resolves only the few names below the
//! handle instead of the whole path from `/` again for every file, which
//! was a fifth of a no-op build's time on a large site. Safety: every file
//! qsite writes or deletes is reached from a folder it checked, one name at
//! a time, and no symbolic link is followed on the way or at the end, so a
//! link planted in the output folder or in `.qsite/` never leads a write
//! elsewhere; and only regular files are read, so a FIFO or a device is
//! never opened for its contents (it would block, or never end).

use std::io;

use camino::Utf8Path;

/// What qsite compares of a file's stat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// Length in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Status change time, nanoseconds since the Unix epoch (0 where the
    /// platform has none).
    pub ctime_ns: i64,
    /// The inode (0 where the platform has none).
    pub inode: u64,
    /// The device (0 where the platform has none).
    pub device: u64,
}

impl Stat {
    /// The stat of a file as the standard library reports it.
    pub fn of(metadata: &std::fs::Metadata) -> Stat {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Stat {
                size: metadata.len(),
                mtime_ns: mtime_ns(metadata),
                ctime_ns: metadata.ctime().saturating_mul(1_000_000_000).saturating_add(metadata.ctime_nsec()),
                inode: metadata.ino(),
                device: metadata.dev(),
            }
        }
        #[cfg(not(unix))]
        Stat { size: metadata.len(), mtime_ns: mtime_ns(metadata), ctime_ns: 0, inode: 0, device: 0 }
    }
}

/// Nanoseconds since the Unix epoch of a file's modification time.
fn mtime_ns(metadata: &std::fs::Metadata) -> i64 {
    metadata
        .modified()
        .ok()
        .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |duration| i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
}

/// Why qsite would not use what it found at a name.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A symbolic link, which qsite never follows to write, delete or read.
    #[error("it is a symbolic link, which qsite does not follow")]
    Link,
    /// A FIFO, a device or a socket: opening it could block or never end.
    #[error("it is not a regular file (a FIFO, a device or a socket)")]
    NotRegular,
    /// A file stands where a folder must go, or a folder where a file must.
    #[error("it is a {found} where qsite needs a {wanted}")]
    InTheWay {
        /// What is there.
        found: &'static str,
        /// What qsite needs there.
        wanted: &'static str,
    },
    /// The system refused.
    #[error(transparent)]
    Io(#[from] io::Error),
}

impl Refusal {
    /// Whether the name was simply missing.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Refusal::Io(error) if error.kind() == io::ErrorKind::NotFound)
    }
}

/// What stands at a name, links not followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A regular file.
    File,
    /// A folder.
    Folder,
    /// A symbolic link.
    Link,
    /// A FIFO, a device or a socket.
    Special,
}

impl Kind {
    /// The kind of a directory entry's type, as a walk reports it.
    pub fn of(file_type: std::fs::FileType) -> Kind {
        if file_type.is_symlink() {
            Kind::Link
        } else if file_type.is_dir() {
            Kind::Folder
        } else if file_type.is_file() {
            Kind::File
        } else {
            Kind::Special
        }
    }

    fn refusal(self, wanted: &'static str) -> Refusal {
        match self {
            Kind::Link => Refusal::Link,
            Kind::Special => Refusal::NotRegular,
            Kind::File => Refusal::InTheWay { found: "file", wanted },
            Kind::Folder => Refusal::InTheWay { found: "folder", wanted },
        }
    }
}

/// What stands at `path`, links not followed; `None` when nothing does.
pub fn kind_at(path: &Utf8Path) -> io::Result<Option<Kind>> {
    match std::fs::symlink_metadata(path) {
        Ok(metadata) => Ok(Some(Kind::of(metadata.file_type()))),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error),
    }
}

/// The bytes of the regular file at `path`, a file a walk of the site
/// found: a link put in its place since, a FIFO or a device is refused
/// without being read (a FIFO would block the build, `/dev/zero` never
/// end).
pub fn read_regular(path: &Utf8Path) -> Result<Vec<u8>, Refusal> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
        match std::fs::File::options().read(true).custom_flags(flags.bits() as i32).open(path) {
            Ok(file) => file,
            Err(error) if error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
                return Err(Refusal::Link);
            }
            Err(error) => return Err(Refusal::Io(error)),
        }
    };
    #[cfg(not(unix))]
    let file = match kind_at(path)? {
        Some(Kind::Link) => return Err(Refusal::Link),
        _ => std::fs::File::open(path)?,
    };
    read_all(file)
}

/// Reads an opened file whole, once it is known to be a regular file.
fn read_all(mut file: std::fs::File) -> Result<Vec<u8>, Refusal> {
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(Kind::of(metadata.file_type()).refusal("file"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(bytes)
}

/// A folder opened once, to stat, read, write and delete the files under it.
pub struct Folder {
    #[cfg(unix)]
    handle: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    path: camino::Utf8PathBuf,
}

#[cfg(unix)]
mod system {
    //! The handle-relative calls, on systems that have them.

    use rustix::fs::{AtFlags, FileType, Mode, OFlags};

    use std::io;

    use super::{Folder, Kind, Refusal, Stat};

    /// Flags every open by qsite takes: no link followed at the last name,
    /// no descriptor left to child processes.
    pub const NO_FOLLOW: OFlags = OFlags::NOFOLLOW.union(OFlags::CLOEXEC);

    // The stat fields' integer types differ between platforms.
    #[allow(clippy::useless_conversion)]
    pub fn stat_of(stat: &rustix::fs::Stat) -> Stat {
        let ns = |seconds: i64, nanos: i64| seconds.saturating_mul(1_000_000_000).saturating_add(nanos);
        Stat {
            size: u64::try_from(stat.st_size).unwrap_or(0),
            mtime_ns: ns(i64::from(stat.st_mtime), i64::try_from(stat.st_mtime_nsec).unwrap_or(0)),
            ctime_ns: ns(i64::from(stat.st_ctime), i64::try_from(stat.st_ctime_nsec).unwrap_or(0)),
            inode: u64::from(stat.st_ino),
            device: u64::from(stat.st_dev),
        }
    }

    pub fn kind_of(stat: &rustix::fs::Stat) -> Kind {
        match FileType::from_raw_mode(stat.st_mode) {
            FileType::RegularFile => Kind::File,
            FileType::Directory => Kind::Folder,
            FileType::Symlink => Kind::Link,
            _ => Kind::Special,
        }
    }

    impl Folder {
        /// What stands at `name`, links not followed; `None` when nothing does.
        pub(super) fn kind(&self, name: &str) -> Result<Option<Kind>, Refusal> {
            match rustix::fs::statat(&self.handle, name, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(stat) => Ok(Some(kind_of(&stat))),
                Err(rustix::io::Errno::NOENT) => Ok(None),
                Err(error) => Err(Refusal::Io(error.into())),
            }
        }

        /// Turns a failed open of `name` into why: a link or something else
        /// where the open needed a file or a folder says so.
        pub(super) fn open_refusal(&self, name: &str, error: rustix::io::Errno, wanted: &'static str) -> Refusal {
            match error {
                // NXIO: a FIFO opened to write, non-blocking, with no reader.
                rustix::io::Errno::LOOP
                | rustix::io::Errno::NOTDIR
                | rustix::io::Errno::ISDIR
                | rustix::io::Errno::NXIO => match self.kind(name) {
                    Ok(Some(kind)) => kind.refusal(wanted),
                    _ => Refusal::Io(error.into()),
                },
                _ => Refusal::Io(error.into()),
            }
        }

        /// Opens `name` with `flags` (never following a link) and checks
        /// that it is a regular file before anything is read or written.
        /// Non-blocking, which a regular file ignores: opening a FIFO must
        /// not wait for the other end.
        pub(super) fn open_regular(&self, name: &str, flags: OFlags) -> Result<std::fs::File, Refusal> {
            let flags = flags | NO_FOLLOW | OFlags::NONBLOCK;
            let handle = rustix::fs::openat(&self.handle, name, flags, Mode::from_raw_mode(0o666))
                .map_err(|error| self.open_refusal(name, error, "file"))?;
            let stat = rustix::fs::fstat(&handle).map_err(io::Error::from)?;
            match kind_of(&stat) {
                Kind::File => Ok(std::fs::File::from(handle)),
                kind => Err(kind.refusal("file")),
            }
        }
    }
}

impl Folder {
    /// Opens the folder at `path`, following links on the way: for the
    /// site folder, which the user names.
    pub fn open(path: &Utf8Path) -> io::Result<Folder> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Ok(Folder { handle: rustix::fs::open(path.as_std_path(), flags, Mode::empty())? })
        }
        #[cfg(not(unix))]
        {
            if !path.is_dir() {
                return Err(io::Error::new(io::ErrorKind::NotFound, format!("`{path}` is not a folder")));
            }
            Ok(Folder { path: path.to_owned() })
        }
    }

    /// Opens the folder at `path` only if its last name is a real folder,
    /// not a link to one: for the output folder and `.qsite/`, once checked.
    pub fn open_real(path: &Utf8Path) -> Result<Folder, Refusal> {
        match kind_at(path)? {
            Some(Kind::Folder) => {}
            Some(kind) => return Err(kind.refusal("folder")),
            None => return Err(Refusal::Io(io::Error::from(io::ErrorKind::NotFound))),
        }
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | system::NO_FOLLOW;
            let handle = rustix::fs::open(path.as_std_path(), flags, Mode::empty()).map_err(|error| {
                if error == rustix::io::Errno::LOOP { Refusal::Link } else { io::Error::from(error).into() }
            })?;
            Ok(Folder { handle })
        }
        #[cfg(not(unix))]
        {
            Ok(Folder { path: path.to_owned() })
        }
    }

    /// The stat of the file at `relative` (`/`-separated) under the folder,
    /// following symbolic links as [`std::fs::metadata`] does: for inputs,
    /// which the walk lists only when they are regular files.
    pub fn stat(&self, relative: &str) -> io::Result<Stat> {
        self.stat_with(relative, true)
    }

    /// The stat of the entry at `relative` itself, a link's own if it is
    /// one: for outputs, so that a link put in the place of an output never
    /// passes for it.
    pub fn stat_entry(&self, relative: &str) -> io::Result<Stat> {
        self.stat_with(relative, false)
    }

    /// The stat of the regular file at `relative`; a link, a folder or
    /// anything else there is an error, whatever its own stat: for the
    /// outputs a record describes, so that a link given an output's size and
    /// time (`touch -h`) never passes for it.
    pub fn file_stat(&self, relative: &str) -> io::Result<Stat> {
        #[cfg(unix)]
        {
            let stat = rustix::fs::statat(&self.handle, relative, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)?;
            if system::kind_of(&stat) != Kind::File {
                return Err(io::Error::other("not a regular file"));
            }
            Ok(system::stat_of(&stat))
        }
        #[cfg(not(unix))]
        {
            let metadata = std::fs::symlink_metadata(self.path.join(relative))?;
            if !metadata.is_file() {
                return Err(io::Error::other("not a regular file"));
            }
            Ok(Stat::of(&metadata))
        }
    }

    fn stat_with(&self, relative: &str, follow: bool) -> io::Result<Stat> {
        #[cfg(unix)]
        {
            let flags = if follow { rustix::fs::AtFlags::empty() } else { rustix::fs::AtFlags::SYMLINK_NOFOLLOW };
            Ok(system::stat_of(&rustix::fs::statat(&self.handle, relative, flags)?))
        }
        #[cfg(not(unix))]
        {
            let path = self.path.join(relative);
            let metadata = if follow { std::fs::metadata(path)? } else { std::fs::symlink_metadata(path)? };
            Ok(Stat::of(&metadata))
        }
    }

    /// The bytes of the regular file at `relative` (`/`-separated; only its
    /// last name is checked for a link, so give paths a walk found, or a
    /// single name), or `None` when there is none. A link, a FIFO or a
    /// device is refused without reading it.
    pub fn read(&self, relative: &str) -> Result<Option<Vec<u8>>, Refusal> {
        #[cfg(unix)]
        let opened = self.open_regular(relative, rustix::fs::OFlags::RDONLY);
        #[cfg(not(unix))]
        let opened = match kind_at(&self.path.join(relative))? {
            Some(Kind::File) | None => std::fs::File::open(self.path.join(relative)).map_err(Refusal::Io),
            Some(kind) => Err(kind.refusal("file")),
        };
        match opened {
            Ok(file) => read_all(file).map(Some),
            Err(refusal) if refusal.is_not_found() => Ok(None),
            Err(refusal) => Err(refusal),
        }
    }

    /// Opens the folder `name` under this one, creating it when `create`;
    /// `None` when it is missing and `create` is false. A link or a file
    /// there is refused.
    pub fn folder(&self, name: &str, create: bool) -> Result<Option<Folder>, Refusal> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            if create {
                match rustix::fs::mkdirat(&self.handle, name, Mode::from_raw_mode(0o777)) {
                    // Made meanwhile, by another thread writing into it: opened below.
                    Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                    Err(error) => return Err(Refusal::Io(error.into())),
                }
            }
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | system::NO_FOLLOW;
            match rustix::fs::openat(&self.handle, name, flags, Mode::empty()) {
                Ok(handle) => Ok(Some(Folder { handle })),
                Err(rustix::io::Errno::NOENT) => Ok(None),
                Err(error) => Err(self.open_refusal(name, error, "folder")),
            }
        }
        #[cfg(not(unix))]
        {
            let path = self.path.join(name);
            match kind_at(&path)? {
                Some(Kind::Folder) => Ok(Some(Folder { path })),
                Some(kind) => Err(kind.refusal("folder")),
                None if create => {
                    std::fs::create_dir(&path)?;
                    Ok(Some(Folder { path }))
                }
                None => Ok(None),
            }
        }
    }

    /// Creates the file `name`, which must not exist (not even as a link),
    /// writes `bytes` into it and returns its stat.
    pub fn create_new(&self, name: &str, bytes: &[u8]) -> Result<Stat, Refusal> {
        #[cfg(unix)]
        let mut file = {
            use rustix::fs::OFlags;
            self.open_regular(name, OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL)?
        };
        #[cfg(not(unix))]
        let mut file = std::fs::File::options().write(true).create_new(true).open(self.path.join(name))?;
        io::Write::write_all(&mut file, bytes)?;
        Ok(Stat::of(&file.metadata()?))
    }

    /// Writes `bytes` into `name` through the temporary file `temporary` (a
    /// name of qsite's own) and one rename, so the file is either old or
    /// new, never half written, and returns its stat. Anything left under
    /// the temporary name (by a killed build, or planted there) is removed
    /// first: the name is qsite's, and removing a link removes only the link.
    pub fn replace(&self, name: &str, temporary: &str, bytes: &[u8]) -> Result<Stat, Refusal> {
        // Created exclusively, so whatever is there (a link, a FIFO) makes
        // the open fail without being touched.
        let stat = match self.create_new(temporary, bytes) {
            Err(Refusal::Io(error)) if error.kind() == io::ErrorKind::AlreadyExists => {
                self.remove_file(temporary)?;
                self.create_new(temporary, bytes)?
            }
            created => created?,
        };
        self.rename(temporary, name)?;
        Ok(stat)
    }

    /// Writes `bytes` into the file `name`, created or truncated in place; a
    /// link or a FIFO there is refused, never written through.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Refusal> {
        #[cfg(unix)]
        let mut file = {
            use rustix::fs::OFlags;
            self.open_regular(name, OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC)?
        };
        #[cfg(not(unix))]
        let mut file = match kind_at(&self.path.join(name))? {
            Some(Kind::File) | None => std::fs::File::create(self.path.join(name))?,
            Some(kind) => return Err(kind.refusal("file")),
        };
        io::Write::write_all(&mut file, bytes)?;
        Ok(())
    }

    /// Renames `from` to `to` in this folder. Whatever was at `to` is
    /// replaced, a link included (the link itself, never what it points to).
    pub fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        #[cfg(unix)]
        {
            Ok(rustix::fs::renameat(&self.handle, from, &self.handle, to)?)
        }
        #[cfg(not(unix))]
        {
            std::fs::rename(self.path.join(from), self.path.join(to))
        }
    }

    /// Deletes the file (or link) `name` in this folder; `false` when there
    /// was none.
    pub fn remove_file(&self, name: &str) -> io::Result<bool> {
        #[cfg(unix)]
        let removed = rustix::fs::unlinkat(&self.handle, name, rustix::fs::AtFlags::empty()).map_err(io::Error::from);
        #[cfg(not(unix))]
        let removed = std::fs::remove_file(self.path.join(name));
        match removed {
            Ok(()) => Ok(true),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// Deletes the folder `name` in this folder if it is empty; whether it did.
    pub fn remove_empty_folder(&self, name: &str) -> bool {
        #[cfg(unix)]
        {
            rustix::fs::unlinkat(&self.handle, name, rustix::fs::AtFlags::REMOVEDIR).is_ok()
        }
        #[cfg(not(unix))]
        {
            std::fs::remove_dir(self.path.join(name)).is_ok()
        }
    }

    /// Opens (creating) the regular file `name` to read and write without
    /// truncating it: the site's lock file.
    pub fn open_file(&self, name: &str) -> Result<std::fs::File, Refusal> {
        #[cfg(unix)]
        {
            use rustix::fs::OFlags;
            self.open_regular(name, OFlags::RDWR | OFlags::CREATE)
        }
        #[cfg(not(unix))]
        {
            let path = self.path.join(name);
            match kind_at(&path)? {
                Some(Kind::File) | None => {
                    Ok(std::fs::File::options().read(true).write(true).create(true).truncate(false).open(path)?)
                }
                Some(kind) => Err(kind.refusal("file")),
            }
        }
    }
}
