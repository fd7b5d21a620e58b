//! What a `resize_image` call asks for (an operation and an output format,
//! with Zola's names, checks and defaults), the crop and scale it comes to
//! for a given source size, and the file name Zola gives its result.

use std::fmt;
use std::hash::{DefaultHasher, Hasher};
use std::str::FromStr;

/// How a resize treats the source's aspect ratio: Zola's `op` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResizeOp {
    /// `scale`: exactly this width and height, whatever the aspect ratio.
    Scale(u32, u32),
    /// `fit_width`: this width, the height keeping the aspect ratio.
    FitWidth(u32),
    /// `fit_height`: this height, the width keeping the aspect ratio.
    FitHeight(u32),
    /// `fit`: within this box, keeping the aspect ratio; never enlarged.
    Fit(u32, u32),
    /// `fill`: exactly this box, cropping the source's centre to its ratio.
    Fill(u32, u32),
}

impl ResizeOp {
    /// The operation `op` names with the sizes it needs, checked as Zola
    /// checks them.
    pub fn from_args(op: &str, width: Option<u32>, height: Option<u32>) -> Result<ResizeOp, String> {
        let both = || match (width, height) {
            (Some(width), Some(height)) => Ok((width, height)),
            _ => Err(format!("op=\"{op}\" requires a `width` and a `height` argument")),
        };
        match op {
            "scale" => both().map(|(width, height)| ResizeOp::Scale(width, height)),
            "fit" => both().map(|(width, height)| ResizeOp::Fit(width, height)),
            "fill" => both().map(|(width, height)| ResizeOp::Fill(width, height)),
            "fit_width" => {
                width.map(ResizeOp::FitWidth).ok_or_else(|| "op=\"fit_width\" requires a `width` argument".to_owned())
            }
            "fit_height" => height
                .map(ResizeOp::FitHeight)
                .ok_or_else(|| "op=\"fit_height\" requires a `height` argument".to_owned()),
            other => Err(format!("`op` is scale, fit_width, fit_height, fit or fill, not `{other}`")),
        }
    }

    /// The name templates write.
    fn name(self) -> &'static str {
        match self {
            ResizeOp::Scale(..) => "scale",
            ResizeOp::FitWidth(_) => "fit_width",
            ResizeOp::FitHeight(_) => "fit_height",
            ResizeOp::Fit(..) => "fit",
            ResizeOp::Fill(..) => "fill",
        }
    }

    /// The variant's position in Zola's enum and its sizes, in the order
    /// Zola's derived hash feeds them.
    fn hashed_parts(self) -> (isize, Vec<u32>) {
        match self {
            ResizeOp::Scale(width, height) => (0, vec![width, height]),
            ResizeOp::FitWidth(width) => (1, vec![width]),
            ResizeOp::FitHeight(height) => (2, vec![height]),
            ResizeOp::Fit(width, height) => (3, vec![width, height]),
            ResizeOp::Fill(width, height) => (4, vec![width, height]),
        }
    }
}

/// The format a resized image is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JPEG at a quality from 1 to 100.
    Jpeg {
        /// 1 to 100; Zola's default is 75.
        quality: u8,
    },
    /// PNG.
    Png,
    /// WebP; qsite writes it lossless whatever the quality asked.
    WebP {
        /// What the template asked for, which names the file as in Zola.
        quality: Option<u8>,
    },
}

impl Format {
    /// The format `format` names (`auto`: JPEG for a lossy source, PNG for
    /// a lossless one), with `quality` checked as Zola checks it.
    pub fn from_args(format: &str, quality: Option<u8>, lossy_source: bool) -> Result<Format, String> {
        let format = match (format, lossy_source) {
            ("auto", true) => "jpg",
            ("auto", false) => "png",
            (other, _) => other,
        };
        match format {
            "jpg" | "jpeg" => match quality.unwrap_or(75) {
                quality @ 1..=100 => Ok(Format::Jpeg { quality }),
                other => Err(format!("`quality` for JPEG is 1 to 100, not {other}")),
            },
            "png" => Ok(Format::Png),
            "webp" => match quality {
                None | Some(0..=100) => Ok(Format::WebP { quality }),
                Some(other) => Err(format!("`quality` for WebP is 0 to 100, not {other}")),
            },
            other => Err(format!("`format` is auto, jpg, png or webp, not `{other}`")),
        }
    }

    /// The extension of the files written in this format.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg { .. } => "jpg",
            Format::Png => "png",
            Format::WebP { .. } => "webp",
        }
    }

    /// The quality as Zola's file name hash feeds it (-1 for none).
    fn hashed_quality(self) -> i16 {
        match self {
            Format::Jpeg { quality } | Format::WebP { quality: Some(quality) } => i16::from(quality),
            Format::Png | Format::WebP { quality: None } => -1,
        }
    }
}

/// One resize: the operation and the output format. Spelled as text
/// (`fill 40x30 jpg q75`) where a key must be a string, and read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resize {
    /// How the size changes.
    pub op: ResizeOp,
    /// What is written.
    pub format: Format,
}

impl fmt::Display for Resize {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.op {
            ResizeOp::Scale(width, height) | ResizeOp::Fit(width, height) | ResizeOp::Fill(width, height) => {
                write!(formatter, "{} {width}x{height}", self.op.name())?
            }
            ResizeOp::FitWidth(size) | ResizeOp::FitHeight(size) => write!(formatter, "{} {size}", self.op.name())?,
        }
        write!(formatter, " {}", self.format.extension())?;
        match self.format {
            Format::Jpeg { quality } | Format::WebP { quality: Some(quality) } => write!(formatter, " q{quality}"),
            Format::Png | Format::WebP { quality: None } => Ok(()),
        }
    }
}

impl FromStr for Resize {
    type Err = String;

    fn from_str(text: &str) -> Result<Resize, String> {
        let bad = || format!("not a resize: `{text}`");
        let mut words = text.split(' ');
        let (op, size, format) =
            (words.next().ok_or_else(bad)?, words.next().ok_or_else(bad)?, words.next().ok_or_else(bad)?);
        let quality =
            words.next().map(|word| word.strip_prefix('q').and_then(|q| q.parse().ok()).ok_or_else(bad)).transpose()?;
        let number = |word: &str| word.parse::<u32>().map_err(|_| bad());
        let (width, height) = match size.split_once('x') {
            Some((width, height)) => (Some(number(width)?), Some(number(height)?)),
            None if op == "fit_height" => (None, Some(number(size)?)),
            None => (Some(number(size)?), None),
        };
        let op = ResizeOp::from_args(op, width, height)?;
        let format = match (format, quality) {
            ("png", None) => Format::Png,
            ("jpg", Some(quality)) => Format::Jpeg { quality },
            ("webp", quality) => Format::WebP { quality },
            _ => return Err(bad()),
        };
        Ok(Resize { op, format })
    }
}

/// What a resize does to a source of a given size: an optional crop
/// (x, y, width, height), then an optional exact scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResizePlan {
    /// The part of the source kept, if not all of it.
    pub crop: Option<(u32, u32, u32, u32)>,
    /// The size it is scaled to, if it changes.
    pub scale: Option<(u32, u32)>,
}

impl ResizePlan {
    /// The plan for `op` on a source of `width` × `height`, as Zola plans it
    /// (`fill` crops the centre only when the ratios differ by more than 0.1).
    pub fn new(op: ResizeOp, (width, height): (u32, u32)) -> ResizePlan {
        let scaled = |size| ResizePlan { crop: None, scale: Some(size) };
        // Kept in u64 and saturated: sizes are the user's.
        let ratio = |numerator: u32, factor: u32, denominator: u32| {
            u32::try_from(u64::from(numerator) * u64::from(factor) / u64::from(denominator.max(1))).unwrap_or(u32::MAX)
        };
        match op {
            ResizeOp::Scale(to_width, to_height) => scaled((to_width, to_height)),
            ResizeOp::FitWidth(to_width) => scaled((to_width, ratio(height, to_width, width))),
            ResizeOp::FitHeight(to_height) => scaled((ratio(width, to_height, height), to_height)),
            ResizeOp::Fit(to_width, to_height) => {
                if width <= to_width && height <= to_height {
                    ResizePlan::default()
                } else if u64::from(width) * u64::from(to_height) > u64::from(height) * u64::from(to_width) {
                    ResizePlan::new(ResizeOp::FitWidth(to_width), (width, height))
                } else {
                    ResizePlan::new(ResizeOp::FitHeight(to_height), (width, height))
                }
            }
            ResizeOp::Fill(to_width, to_height) => {
                let factor_width = width as f32 / to_width.max(1) as f32;
                let factor_height = height as f32 / to_height.max(1) as f32;
                if (factor_width - factor_height).abs() <= 0.1 {
                    return scaled((to_width, to_height));
                }
                // Float to integer casts saturate, as Zola's do.
                let crop = if factor_width < factor_height {
                    let crop_height = ((factor_width * to_height as f32).round() as u32).min(height);
                    (0, (height - crop_height) / 2, width, crop_height)
                } else {
                    let crop_width = ((factor_height * to_width as f32).round() as u32).min(width);
                    ((width - crop_width) / 2, 0, crop_width, height)
                };
                ResizePlan { crop: Some(crop), scale: Some((to_width, to_height)) }
            }
        }
    }

    /// The size of the result, for a source of `size`.
    pub fn size(self, size: (u32, u32)) -> (u32, u32) {
        self.scale.unwrap_or(size)
    }
}

/// The file name Zola gives a resized image: the source's stem, a hash of
/// the path the template named (after `@/` became `content/` and a leading
/// `/` went) and of the resize, and the format's extension. The hash is the
/// standard library's default hasher fed as Zola feeds it, so a page that
/// links a resized image links the same name as under Zola.
pub fn processed_file_name(source_stem: &str, named_path: &str, resize: &Resize) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(named_path.as_bytes());
    let (variant, sizes) = resize.op.hashed_parts();
    hasher.write_isize(variant);
    for size in sizes {
        hasher.write_u32(size);
    }
    hasher.write(resize.format.extension().as_bytes());
    hasher.write_i16(resize.format.hashed_quality());
    // Zola's hash feeds a speed too, which only AVIF has.
    hasher.write_i16(-1);
    format!("{source_stem}.{:016x}.{}", hasher.finish(), resize.format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_zolas() {
        // Zola's own test: `static/gutenberg.jpg`, 40 by 40, default op and format.
        let resize = Resize { op: ResizeOp::Fill(40, 40), format: Format::Jpeg { quality: 75 } };
        assert_eq!(processed_file_name("gutenberg", "static/gutenberg.jpg", &resize), "gutenberg.e99218b5a3185c99.jpg");
    }

    #[test]
    fn resizes_read_back_as_spelled() {
        for text in
            ["scale 3x4 png", "fit_width 30 jpg q75", "fit_height 20 webp", "fit 1x2 webp q9", "fill 5x6 jpg q1"]
        {
            assert_eq!(text.parse::<Resize>().unwrap().to_string(), text);
        }
    }

    #[test]
    fn plans_keep_zolas_sizes() {
        assert_eq!(ResizePlan::new(ResizeOp::FitWidth(50), (200, 100)).size((200, 100)), (50, 25));
        assert_eq!(ResizePlan::new(ResizeOp::Fit(400, 400), (200, 100)).size((200, 100)), (200, 100));
        assert_eq!(ResizePlan::new(ResizeOp::Fit(50, 50), (200, 100)).size((200, 100)), (50, 25));
        let fill = ResizePlan::new(ResizeOp::Fill(50, 50), (200, 100));
        assert_eq!(fill.crop, Some((50, 0, 100, 100)));
        assert_eq!(fill.size((200, 100)), (50, 50));
    }
}
