//! Mount points: an output folder on which a file system is mounted cannot be
//! renamed aside as results are switched in, nor an output file on which a file
//! is mounted be replaced by a rename (both fail with "device or resource
//! busy"), nor a folder holding a mount point be removed or a file mounted in it
//! be replaced, so each is refused before the work.

use std::path::{Path, PathBuf};

use super::ExportError;

/// Refuses an existing output folder (canonical) on which a file system is
/// mounted: renaming it aside, as results are switched in, fails, and that only
/// after the whole run. A mount of another file system shows as a device
/// differing from its parent's; a bind mount of a folder of the same file
/// system does not, and is found in the mount table (Linux). A folder holding a
/// mount point is refused too ([`check_no_mount_inside`]).
pub fn check_not_mount_point(target: &Path, parent: &Path) -> Result<(), ExportError> {
    if std::fs::metadata(target).is_ok_and(|m| m.is_dir()) && is_mount_point(target, parent) {
        return Err(ExportError::MountPoint { folder: target.to_path_buf() });
    }
    check_no_mount_inside(target)
}

/// Refuses an output folder (canonical) that holds a mount point (a file or a
/// folder mounted on one of its entries, at any depth): the old folder moved
/// aside at the switch cannot be removed, nor a file mounted there replaced by
/// a rename, which fail only after the work. Found in the mount table (Linux).
pub fn check_no_mount_inside(target: &Path) -> Result<(), ExportError> {
    #[cfg(unix)]
    if let Ok(table) = std::fs::read_to_string("/proc/self/mountinfo")
        && let Some(mount) = mount_points(&table).find(|p| p != target && p.starts_with(target))
    {
        return Err(ExportError::MountInside { folder: target.to_path_buf(), mount });
    }
    #[cfg(not(unix))]
    let _ = target;
    Ok(())
}

/// Refuses an existing output file (canonical) on which a file is mounted (a
/// bind mount of a file): the finished output, renamed over it, is refused,
/// and that only after the work.
pub fn check_file_not_mount_point(target: &Path) -> Result<(), ExportError> {
    let Some(parent) = target.parent() else { return Ok(()) };
    if std::fs::metadata(target).is_ok_and(|m| !m.is_dir()) && is_mount_point(target, parent) {
        return Err(ExportError::MountedFile(target.to_path_buf()));
    }
    Ok(())
}

/// Whether `target` (canonical, existing) is a mount point: its device differs
/// from its folder `parent`'s, or it is listed in the mount table (a bind mount
/// of the same file system).
fn is_mount_point(target: &Path, parent: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        match (std::fs::metadata(target), std::fs::metadata(parent)) {
            (Ok(here), Ok(above)) => here.dev() != above.dev() || listed_mount_point(target),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (target, parent);
        false
    }
}

/// Whether `target` (canonical) is a mount point in this process's mount table
/// (`/proc/self/mountinfo`; false where there is none to read).
#[cfg(unix)]
fn listed_mount_point(target: &Path) -> bool {
    std::fs::read_to_string("/proc/self/mountinfo").is_ok_and(|table| mount_points(&table).any(|p| p == target))
}

/// The mount points of a `mountinfo` table: each line's fifth field, with the
/// kernel's octal escapes (`\040` for a space, `\011` a tab, `\012` a new line,
/// `\134` a backslash) undone.
#[cfg(unix)]
fn mount_points(table: &str) -> impl Iterator<Item = PathBuf> + '_ {
    table.lines().filter_map(|line| line.split(' ').nth(4)).map(|field| {
        let mut bytes = Vec::with_capacity(field.len());
        let raw = field.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            let octal =
                raw.get(i + 1..i + 4).filter(|d| raw[i] == b'\\' && d.iter().all(|c| (b'0'..=b'7').contains(c)));
            match octal {
                Some(d) => {
                    bytes.push(d.iter().fold(0u8, |v, c| v.wrapping_mul(8).wrapping_add(c - b'0')));
                    i += 4;
                }
                None => {
                    bytes.push(raw[i]);
                    i += 1;
                }
            }
        }
        PathBuf::from(<std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(bytes))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn mount_points_are_read_from_the_mount_table_with_escapes_undone() {
        // Two lines of /proc/self/mountinfo: the root, and a bind mount of a
        // folder of the same file system on a folder whose name has a space and
        // a backslash (the kernel writes them in octal).
        let table = "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n\
                     45 27 254:0 /tmp/a /tmp/my\\040results\\134x rw,relatime - ext4 /dev/vda rw\n";
        let points: Vec<PathBuf> = mount_points(table).collect();
        assert_eq!(points, [PathBuf::from("/"), PathBuf::from("/tmp/my results\\x")]);
        assert_eq!(mount_points("short line\n").count(), 0);
        // This process's own table lists the root.
        assert!(listed_mount_point(Path::new("/")) || !Path::new("/proc/self/mountinfo").exists());
    }
}
