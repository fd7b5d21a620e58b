//! Functions that make URLs: of content files, and of anything under the
//! site's root URL.

use minijinja::Error;
use minijinja::value::{Kwargs, Value};

use crate::templates::arguments::{not_found, outside_render, required_text};
use crate::templates::objects::with_db;
use crate::trace::reads::{config, content_file, page_location};

/// `get_url(path="@/blog/a.md")` for a content file, `get_url(path="style.css")`
/// for anything else under the site root URL (`trailing_slash=true` ends
/// it with `/`, as in Zola).
pub fn get_url(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let trailing_slash: Option<bool> = kwargs.get("trailing_slash")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        if let Some(content_path) = path.strip_prefix("@/") {
            let (content_path, anchor) =
                content_path.split_once('#').map_or((content_path, None), |(path, anchor)| (path, Some(anchor)));
            let file = content_file(db, content_path).ok_or_else(|| not_found("content file", &path))?;
            let mut url = page_location(db, file).permalink.clone();
            if let Some(anchor) = anchor {
                url.push('#');
                url.push_str(anchor);
            }
            Ok(Value::from(url))
        } else {
            let mut url = format!("{}/{}", config(db).config.base_url, path.trim_start_matches('/'));
            if trailing_slash == Some(true) && !url.ends_with('/') {
                url.push('/');
            }
            Ok(Value::from(url))
        }
    })
    .ok_or_else(outside_render)?
}
