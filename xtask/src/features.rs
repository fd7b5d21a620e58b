//! The features site: the generated blog in Zola's layout with what real
//! Zola sites add to it, so the bench times the expensive steps too. Every
//! page calls two shortcodes (one with a Markdown body, one that resizes one
//! of ten images), carries code blocks in three languages for the
//! highlighter, and every page links a stylesheet compiled from Sass that
//! imports two partials.

use std::fmt::Write as _;
use std::path::Path;

use crate::generate::write;

/// How many images the pages share; page `i` shows image `i % IMAGES`.
const IMAGES: usize = 10;

/// The versions of the files the feature scenarios edit.
#[derive(Clone, Default)]
pub struct Features {
    /// Bumped by the shortcode-edit scenario.
    pub shortcode_version: usize,
    /// Bumped by the Sass-partial-edit scenario.
    pub partial_version: usize,
    /// Per image, bumped by the image-edit scenario.
    pub image_versions: [usize; IMAGES],
}

/// What the features site adds to Zola's `config.toml`: Sass and
/// highlighting on, written after every plain key.
pub const CONFIG: &str = "compile_sass = true\n\n[markdown.highlighting]\ntheme = \"github-dark\"\n";

/// What page `index` carries below its own body.
pub fn page_extras(index: usize) -> String {
    let image = index % IMAGES;
    let mut text = String::new();
    let _ = write!(
        text,
        "\n{{% note(kind=\"tip\") %}}\nPage {index} is **cached**; see the [home](/).\n{{% end %}}\n\n\
         {{{{ figure(src=\"images/photo-{image}.png\", width=320, caption=\"Photo {image}\") }}}}\n\n\
         ```toml\n[extra]\npage = {index}\nname = \"photo-{image}\"\n```\n\n\
         ```js\nconst page = {index};\nconsole.log(`page ${{page}}`);\n```\n"
    );
    text
}

/// The `<link>` every page's `<head>` carries.
pub const STYLESHEET_LINK: &str = "<link rel=\"stylesheet\" href=\"/style.css\">";

/// Writes the shortcodes, the Sass and the images.
pub fn write_all(root: &Path, features: &Features) {
    write_shortcodes(root, features);
    write_partial(root, features);
    write(root, "sass/style.scss", "@import \"vars\";\n@import \"layout\";\n\nbody {\n  color: $ink;\n  .note { border-left: 4px solid $accent; }\n}\n");
    write(root, "sass/_layout.scss", "main {\n  max-width: 40rem;\n  margin: 0 auto;\n  figure img { max-width: 100%; }\n}\n");
    for image in 0..IMAGES {
        write_image(root, features, image);
    }
}

/// The two shortcodes; the edit scenario changes the note's markup.
pub fn write_shortcodes(root: &Path, features: &Features) {
    write(
        root,
        "templates/shortcodes/note.html",
        &format!(
            "<aside class=\"note note-{{{{ kind }}}}\">{{{{ body | markdown | safe }}}}</aside><!-- note v{} -->\n",
            features.shortcode_version
        ),
    );
    write(
        root,
        "templates/shortcodes/figure.html",
        "{% set image = resize_image(path=src, width=width, height=0, op=\"fit_width\") %}<figure><img src=\"{{ image.url }}\" width=\"{{ image.width }}\" height=\"{{ image.height }}\" alt=\"{{ caption }}\"><figcaption>{{ caption }}</figcaption></figure>\n",
    );
}

/// The partial the edit scenario changes: the colors every sheet uses.
pub fn write_partial(root: &Path, features: &Features) {
    let shade = 0x20 + (features.partial_version * 16) % 0xc0;
    write(root, "sass/_vars.scss", &format!("$ink: #{shade:02x}{shade:02x}{shade:02x};\n$accent: #3a7bd5;\n"));
}

/// Image `image` (800×600, a gradient whose colors follow its version) as
/// a PNG under `static/images/`.
pub fn write_image(root: &Path, features: &Features, image: usize) {
    let version = features.image_versions[image];
    let pixels = image::RgbImage::from_fn(800, 600, |x, y| {
        let shift = (image * 23 + version * 41) as u32;
        image::Rgb([((x + shift) % 256) as u8, ((y + shift) % 256) as u8, ((x + y) / 6 % 256) as u8])
    });
    let path = root.join(format!("static/images/photo-{image}.png"));
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create directory");
    pixels.save(&path).expect("write a generated image");
}
