//! What qsite knows of an image without decoding it: its size and format,
//! read from its header. `resize_image` and `get_image_metadata` need no
//! more, so a render never waits on an encode; the host encodes the resized
//! images the renders asked for (see `imaging`).

use salsa::Database;

use crate::inputs::{SourceFile, bytes_of};
use crate::stable_hash::StableHash;

/// An image's displayed size and format, as `get_image_metadata` returns
/// them and `resize_image` computes its sizes from.
#[derive(Debug, Clone, PartialEq, Eq, StableHash)]
pub struct ImageInfo {
    /// Width in pixels, as displayed (after its EXIF rotation).
    pub width: u32,
    /// Height in pixels, as displayed.
    pub height: u32,
    /// The format's usual extension (`jpg`, `png`, `webp`, `gif`).
    pub format: String,
    /// The format's MIME type.
    pub mime: String,
    /// Whether the format is lossy, which `format="auto"` follows.
    pub lossy: bool,
}

/// The size and format of the image in `file`, or why it cannot be read.
///
/// Invalidated by an edit of that file only; an edit that keeps its size
/// and format leaves the value equal, so the pages that print its sizes do
/// not render again.
#[salsa::tracked(returns(ref))]
pub fn image_header(db: &dyn Database, file: SourceFile) -> Result<ImageInfo, String> {
    let bytes = bytes_of(db, file).ok_or_else(|| "its bytes could not be read".to_owned())?;
    let header = imaging::read_header(&bytes)?;
    Ok(ImageInfo {
        width: header.width,
        height: header.height,
        format: header.format,
        mime: header.mime,
        lossy: header.lossy,
    })
}
