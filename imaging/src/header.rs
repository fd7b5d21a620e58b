//! What an image's header says: its size (as displayed, after the rotation
//! its EXIF orientation asks for) and its format, read without decoding its
//! pixels.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{ImageDecoder, ImageFormat, ImageReader};

/// An image's displayed size and its format: what `get_image_metadata`
/// returns and what a resize's sizes are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageHeader {
    /// Width in pixels, as displayed.
    pub width: u32,
    /// Height in pixels, as displayed.
    pub height: u32,
    /// The format's usual extension (`jpg`, `png`, `webp`, `gif`).
    pub format: String,
    /// The format's MIME type.
    pub mime: String,
    /// Whether the format loses detail (JPEG, WebP and GIF count as lossy,
    /// as Zola counts them), which decides what `format="auto"` writes.
    pub lossy: bool,
}

/// The header of the image in `bytes`, or why it cannot be read.
pub fn read_header(bytes: &[u8]) -> Result<ImageHeader, String> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|error| error.to_string())?;
    let format = reader.format().ok_or_else(|| "not an image in a format qsite reads".to_owned())?;
    let mut decoder = reader.into_decoder().map_err(|error| error.to_string())?;
    let (width, height) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation(),
        Ok(Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH)
    );
    let (width, height) = if turned { (height, width) } else { (width, height) };
    Ok(ImageHeader {
        width,
        height,
        format: format.extensions_str().first().copied().unwrap_or_default().to_owned(),
        mime: format.to_mime_type().to_owned(),
        lossy: !matches!(
            format,
            ImageFormat::Png
                | ImageFormat::Pnm
                | ImageFormat::Tiff
                | ImageFormat::Tga
                | ImageFormat::Bmp
                | ImageFormat::Ico
                | ImageFormat::Hdr
                | ImageFormat::Farbfeld
        ),
    })
}
