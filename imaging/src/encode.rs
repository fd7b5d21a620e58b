//! Encoding a resized image: decode the source, turn it as its EXIF
//! orientation says, crop and scale it (Lanczos3, as Zola), and write it in
//! the requested format. The one expensive step of image processing.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageReader};

use crate::operation::{Format, Resize, ResizePlan};

/// The bytes of the image in `bytes` resized as `resize` says, or why it
/// cannot be.
pub fn encode(bytes: &[u8], resize: &Resize) -> Result<Vec<u8>, String> {
    let reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|error| error.to_string())?;
    let mut decoder = reader.into_decoder().map_err(|error| error.to_string())?;
    let orientation = decoder.orientation().map_err(|error| error.to_string())?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|error| error.to_string())?;
    image.apply_orientation(orientation);
    let plan = ResizePlan::new(resize.op, (image.width(), image.height()));
    if let Some((x, y, width, height)) = plan.crop {
        image = image.crop_imm(x, y, width, height);
    }
    if let Some((width, height)) = plan.scale {
        image = image.resize_exact(width, height, FilterType::Lanczos3);
    }
    let mut encoded = Vec::new();
    let written = match resize.format {
        // JPEG has no alpha channel.
        Format::Jpeg { quality } => {
            let image = if image.color().has_alpha() { DynamicImage::ImageRgb8(image.to_rgb8()) } else { image };
            image.write_with_encoder(JpegEncoder::new_with_quality(&mut encoded, quality))
        }
        Format::Png => image.write_with_encoder(PngEncoder::new(&mut encoded)),
        Format::WebP { .. } => image.write_with_encoder(WebPEncoder::new_lossless(&mut encoded)),
    };
    written.map_err(|error| error.to_string())?;
    Ok(encoded)
}
