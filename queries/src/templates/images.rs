//! `resize_image` and `get_image_metadata`: Zola's image functions. Both
//! find the image as Zola does (the path from the root, then under
//! `static/`, `content/` and the theme's `static/`; `@/` is `content/`) and
//! read only its header. `resize_image` answers with the URL and sizes of
//! the result and records its request on the render's trace; the host
//! encodes each requested image once and writes it under
//! `processed_images/`.

use std::collections::BTreeMap;

use camino::Utf8Path;
use imaging::{Format, PROCESSED_IMAGES, Resize, ResizeOp, ResizePlan, processed_file_name};
use minijinja::value::{Kwargs, Value};
use minijinja::{Error, ErrorKind};

use crate::images::ImageInfo;
use crate::site_paths::STATIC;
use crate::templates::arguments::{outside_render, required_text, text_argument};
use crate::templates::data::{find_site_file, named_path};
use crate::templates::objects::with_db;
use crate::trace::reads::{config, image_info, resized_image};

/// `resize_image(path=…, width=…, height=…, op="fill", format="auto",
/// quality=…)`: the `url`, `static_path`, `width`, `height`, `orig_width`
/// and `orig_height` of the image resized as Zola resizes it, under the
/// file name Zola gives it. The page depends on the image's header alone;
/// its bytes are the host's to encode.
pub fn resize_image(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let width: Option<u32> = kwargs.get("width")?;
    let height: Option<u32> = kwargs.get("height")?;
    let op = text_argument(&kwargs, "op")?.unwrap_or_else(|| "fill".to_owned());
    let format = text_argument(&kwargs, "format")?.unwrap_or_else(|| "auto".to_owned());
    let quality: Option<u8> = kwargs.get("quality")?;
    // Zola's AVIF encoder speed: qsite writes no AVIF, so it names nothing.
    let _speed: Option<u8> = kwargs.get("speed")?;
    kwargs.assert_all_used()?;
    let op = ResizeOp::from_args(&op, width, height).map_err(|message| invalid(&message))?;
    with_db(|db| {
        let found =
            find_site_file(db, &path, None).ok_or_else(|| invalid(&format!("cannot find the image `{path}`")))?;
        let info = readable(image_info(db, &found), &found)?;
        let format = Format::from_args(&format, quality, info.lossy).map_err(|message| invalid(&message))?;
        let resize = Resize { op, format };
        let stem = Utf8Path::new(&found).file_stem().unwrap_or("unknown");
        let file_name = processed_file_name(stem, &named_path(&path), &resize);
        resized_image(db, &found, &file_name, &resize);
        let size = ResizePlan::new(op, (info.width, info.height)).size((info.width, info.height));
        let base_url = &config(db).config.base_url;
        Ok(Value::from(BTreeMap::from([
            ("url", Value::from(format!("{base_url}/{PROCESSED_IMAGES}/{file_name}"))),
            ("static_path", Value::from(format!("{STATIC}/{PROCESSED_IMAGES}/{file_name}"))),
            ("width", Value::from(size.0)),
            ("height", Value::from(size.1)),
            ("orig_width", Value::from(info.width)),
            ("orig_height", Value::from(info.height)),
        ])))
    })
    .ok_or_else(outside_render)?
}

/// `get_image_metadata(path=…, allow_missing=false)`: the image's `width`,
/// `height`, `format` and `mime`; with `allow_missing=true`, a missing
/// image is none.
pub fn get_image_metadata(kwargs: Kwargs) -> Result<Value, Error> {
    let path = required_text(&kwargs, "path")?;
    let allow_missing: Option<bool> = kwargs.get("allow_missing")?;
    kwargs.assert_all_used()?;
    with_db(|db| {
        let Some(found) = find_site_file(db, &path, None) else {
            return match allow_missing.unwrap_or(false) {
                true => Ok(Value::from(())),
                false => Err(invalid(&format!("cannot find the image `{path}`"))),
            };
        };
        let info = readable(image_info(db, &found), &found)?;
        Ok(Value::from(BTreeMap::from([
            ("width", Value::from(info.width)),
            ("height", Value::from(info.height)),
            ("format", Value::from(info.format.clone())),
            ("mime", Value::from(info.mime.clone())),
        ])))
    })
    .ok_or_else(outside_render)?
}

/// An image's header, or an error naming the file that could not be read.
fn readable<'a>(info: Option<&'a Result<ImageInfo, String>>, found: &str) -> Result<&'a ImageInfo, Error> {
    match info {
        Some(Ok(info)) => Ok(info),
        Some(Err(reason)) => Err(invalid(&format!("cannot read the image `{found}`: {reason}"))),
        None => Err(invalid(&format!("cannot find the image `{found}`"))),
    }
}

/// The error of a call with a bad argument or image, at the calling line.
fn invalid(message: &str) -> Error {
    Error::new(ErrorKind::InvalidOperation, message.to_owned())
}
