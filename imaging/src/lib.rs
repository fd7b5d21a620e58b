//! Image processing for `resize_image` and `get_image_metadata`, as pure
//! functions of an image's bytes: what its header says ([`header`]), what a
//! resize asks for and what it yields ([`operation`]: sizes and the file
//! name under `processed_images/`, computed without decoding a pixel), and
//! the encoded result ([`encode()`]), the one expensive step, which the host
//! runs once per source and operation.

mod encode;
mod header;
mod operation;

pub use encode::encode;
pub use header::{ImageHeader, read_header};
pub use operation::{Format, Resize, ResizeOp, ResizePlan, processed_file_name};

/// The folder under the output folder that resized images are written to,
/// as Zola names it.
pub const PROCESSED_IMAGES: &str = "processed_images";
