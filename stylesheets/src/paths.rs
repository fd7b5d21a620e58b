//! Paths as the compiler builds them (`sass/css/../_base.scss`), tidied to
//! the plain relative form the caller names files by.

/// `path` with `.` and `..` folded away (`sass/css/../_base.scss` is
/// `sass/_base.scss`); `None` for an absolute path or one that climbs above
/// where it started, which name no file of the caller's.
pub fn normalize(path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\\') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn folds_dots_and_refuses_what_leaves_the_root() {
        assert_eq!(normalize("sass/css/../_base.scss").as_deref(), Some("sass/_base.scss"));
        assert_eq!(normalize("./sass//a.scss").as_deref(), Some("sass/a.scss"));
        assert_eq!(normalize("../a.scss"), None);
        assert_eq!(normalize("/etc/a.scss"), None);
    }
}
