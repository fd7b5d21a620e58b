//! `qsite init`: writes a small site that builds and looks right on the first try.

use camino::Utf8Path;
use queries::site_paths::{CONTENT, DATA, STATIC, TEMPLATES};

use crate::output_folder::FolderGuard;
use crate::site_folder::EnvironmentError;

/// The starter site: folder, path in it, contents. The stylesheet is the
/// built-in theme's own, so a new site looks like the default one until its
/// owner changes it.
const STARTER_FILES: &[(&str, &str, &str)] = &[
    ("", "qsite.toml", include_str!("init_site/qsite.toml")),
    ("", ".gitignore", include_str!("init_site/gitignore")),
    (CONTENT, "_index.md", include_str!("init_site/content/_index.md")),
    (CONTENT, "blog/_index.md", include_str!("init_site/content/blog/_index.md")),
    (CONTENT, "blog/first-post.md", include_str!("init_site/content/blog/first-post.md")),
    (CONTENT, "blog/second-post.md", include_str!("init_site/content/blog/second-post.md")),
    (TEMPLATES, "base.html", include_str!("init_site/templates/base.html")),
    (TEMPLATES, "index.html", include_str!("init_site/templates/index.html")),
    (TEMPLATES, "section.html", include_str!("init_site/templates/section.html")),
    (TEMPLATES, "page.html", include_str!("init_site/templates/page.html")),
    (TEMPLATES, "taxonomy_list.html", include_str!("init_site/templates/taxonomy_list.html")),
    (TEMPLATES, "taxonomy_single.html", include_str!("init_site/templates/taxonomy_single.html")),
    (TEMPLATES, "404.html", include_str!("init_site/templates/404.html")),
    (STATIC, "style.css", include_str!("../queries/templates/builtin_style.css")),
    (DATA, ".gitkeep", ""),
];

/// Why `init` refused to write.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The directory has files in it and `--force` was not given.
    #[error("`{0}` is not empty; pass --force to write the starter site into it anyway")]
    NotEmpty(String),
    /// Writing failed.
    #[error(transparent)]
    Environment(#[from] EnvironmentError),
}

/// Writes the starter site into `dir`, which must be empty unless `force`.
pub fn init(dir: &Utf8Path, force: bool) -> Result<(), InitError> {
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty && !force {
        return Err(InitError::NotEmpty(dir.to_string()));
    }
    // One name at a time from `dir`: a link in the way (`templates` to a
    // folder elsewhere) is refused, never written through.
    let guard = FolderGuard::new(dir);
    for (folder, path, contents) in STARTER_FILES {
        let relative = Utf8Path::new(folder).join(path);
        let (folder, name) = guard.target(relative.as_str(), true)?.expect("folders are created on the way");
        folder
            .write(name, contents.as_bytes())
            .map_err(|refusal| EnvironmentError::refused(dir.join(&relative), refusal))?;
    }
    Ok(())
}
