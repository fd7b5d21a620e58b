//! Zola's image functions, `resize_image` and `get_image_metadata`, on a
//! site whose images the tests draw: every op and format, images found in
//! `static/`, beside a page and by a `content/` path; each resized image is
//! encoded once, again only when its source changes, and removed when no
//! page asks for it; editing an image re-renders only the pages that print
//! what changed; every scenario ends equal to a clean build.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};

use crate::support::{Run, SiteTest};

/// An image of `width` × `height` in `format`, its colors shifted by `shade`
/// so that two shades are two different files of the same size.
pub fn drawn(width: u32, height: u32, shade: u8, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 7) as u8 ^ shade, (y * 11) as u8, shade.wrapping_add((x + y) as u8)])
    });
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).expect("encodes");
    bytes.into_inner()
}

/// The fixture with its two images: a lossless 80 × 40 one in `static/`
/// and a lossy 32 × 24 one beside the trip page.
pub fn site() -> SiteTest {
    let site = SiteTest::copy("zola-images");
    site.write_bytes("static/wide.png", &drawn(80, 40, 0, ImageFormat::Png));
    site.write_bytes("content/gallery/trip/photo.jpg", &drawn(32, 24, 0, ImageFormat::Jpeg));
    site
}

/// `qsite build -v`, which must succeed.
fn verbose_build(site: &SiteTest) -> Run {
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    run
}

/// The `images: … encoded, … kept` line of a verbose build.
fn images_line(run: &Run) -> &str {
    run.stdout
        .lines()
        .find(|line| line.starts_with("images: "))
        .unwrap_or_else(|| panic!("no images line:\n{}", run.stdout))
}

/// The outputs a verbose build rendered, sorted.
fn rendered(run: &Run) -> Vec<&str> {
    let mut outputs: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|line| line.split_once(": "))
        .filter(|(output, reason)| output.ends_with(".html") && !reason.starts_with("reused"))
        .map(|(output, _)| output)
        .collect();
    outputs.sort();
    outputs
}

/// The size of an output image, decoded.
fn size_of(site: &SiteTest, output: &str) -> (u32, u32) {
    let bytes = std::fs::read(site.root().join("public").join(output)).expect("output image");
    let image = image::load_from_memory(&bytes).expect("decodes");
    (image.width(), image.height())
}

/// The output path of a URL the home page printed after `label: `.
fn image_output<'a>(home: &'a str, label: &str) -> &'a str {
    let line = home.lines().find(|line| line.starts_with(label)).expect("label");
    let url = line.split(' ').nth(1).expect("url");
    url.strip_prefix("https://images.test/").expect("a site URL")
}

#[test]
fn every_op_and_format_answers_as_zola_and_writes_the_image() {
    let site = site();
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 7 encoded, 0 kept");
    let home = site.output("index.html");
    let expected = [
        ("scale: ", (40, 30), "png"),
        ("fit_width: ", (50, 25), "jpg"),
        ("fit_height: ", (40, 20), "webp"),
        ("fit: ", (25, 12), "png"),
        ("fill: ", (30, 30), "png"),
    ];
    for (label, size, extension) in expected {
        let output = image_output(&home, label);
        assert!(output.starts_with("processed_images/wide.") && output.ends_with(extension), "{label}{output}");
        assert_eq!(size_of(&site, output), size, "{label}");
        assert!(home.contains(&format!("{output} {}x{}", size.0, size.1)), "{home}");
    }
    // The file name hashes the path as the template wrote it, as Zola's does.
    assert!(home.contains("of 80x40 at static/processed_images/wide."), "{home}");
    assert_ne!(image_output(&home, "fit: "), image_output(&home, "fill: "));
    assert!(home.contains("metadata: 80x40 png image/png\n"), "{home}");
    assert!(home.contains("missing: none"), "{home}");
    let trip = site.output("gallery/trip/index.html");
    assert!(trip.contains("/processed_images/photo.") && trip.contains(".jpg 16x16;"), "{trip}");
    assert!(trip.contains(".jpg 10x7"), "{trip}");
    site.assert_same_as_clean_build();
}

#[test]
fn a_warm_build_encodes_nothing_and_an_edit_elsewhere_keeps_every_image() {
    let site = site();
    verbose_build(&site);
    let run = verbose_build(&site);
    assert!(run.stdout.contains("nothing changed"), "{}", run.stdout);
    site.edit("content/gallery/plain.md", "without images", "still without images");
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 0 encoded, 7 kept");
    site.edit("templates/section.html", "{{ section.title }}", "Section {{ section.title }}");
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 0 encoded, 7 kept");
    site.assert_same_as_clean_build();
}

#[test]
fn editing_an_image_encodes_its_variants_and_renders_only_the_pages_that_print_what_changed() {
    let site = site();
    verbose_build(&site);
    // Same size, other pixels: the pages print nothing that changed.
    site.write_bytes("content/gallery/trip/photo.jpg", &drawn(32, 24, 90, ImageFormat::Jpeg));
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 2 encoded, 5 kept");
    assert_eq!(rendered(&run), Vec::<&str>::new());
    site.assert_same_as_clean_build();
    // Another size: the page that resizes it prints new sizes.
    site.write_bytes("content/gallery/trip/photo.jpg", &drawn(48, 24, 90, ImageFormat::Jpeg));
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 2 encoded, 5 kept");
    assert_eq!(rendered(&run), ["gallery/trip/index.html"]);
    assert!(site.output("gallery/trip/index.html").contains(".jpg 10x5"));
    site.assert_same_as_clean_build();
    site.write_bytes("static/wide.png", &drawn(60, 60, 3, ImageFormat::Png));
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 5 encoded, 2 kept");
    assert_eq!(rendered(&run), ["index.html"]);
    site.assert_same_as_clean_build();
}

#[test]
fn an_image_no_page_asks_for_is_removed_and_one_asked_again_comes_back() {
    let site = site();
    verbose_build(&site);
    let home = site.output("index.html");
    let filled = image_output(&home, "fill: ").to_owned();
    assert!(site.has_output(&filled));
    site.edit("templates/index.html", "width=30, height=30", "width=31, height=30");
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 1 encoded, 6 kept");
    assert!(!site.has_output(&filled), "{filled} stays");
    site.assert_same_as_clean_build();
    site.edit("templates/index.html", "width=31, height=30", "width=30, height=30");
    let run = verbose_build(&site);
    assert_eq!(images_line(&run), "images: 1 encoded, 6 kept");
    assert!(site.has_output(&filled));
    site.assert_same_as_clean_build();
    // `--verify` builds clean in memory, images included, and finds them equal.
    site.write_bytes("static/wide.png", &drawn(80, 40, 7, ImageFormat::Png));
    let run = site.qsite(&["build", "--verify"]);
    run.assert_code(0);
    assert!(run.stdout.contains("Verified: the output is identical to a clean build"), "{}", run.stdout);
}

#[test]
fn a_missing_image_or_a_bad_argument_is_an_error_at_the_calling_line() {
    let site = site();
    site.write(
        "templates/page.html",
        "{{ page.title }}\n{{ resize_image(path=\"nowhere.png\", width=5, height=5).url }}",
    );
    site.qsite(&["build"])
        .assert_code(1)
        .assert_stderr_has(&["templates/page.html:2:", "cannot find the image `nowhere.png`"]);
    site.write("templates/page.html", "{{ resize_image(path=\"wide.png\", width=5, op=\"stretch\").url }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["templates/page.html:1:", "`op` is scale, fit_width"]);
    site.write("templates/page.html", "{{ resize_image(path=\"wide.png\", width=5, op=\"fit\").url }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["op=\"fit\" requires a `width` and a `height`"]);
    site.write("templates/page.html", "{{ resize_image(path=\"wide.png\", width=5, height=5, format=\"tiff\").url }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["`format` is auto, jpg, png or webp, not `tiff`"]);
    site.write("templates/page.html", "{{ get_image_metadata(path=\"nowhere.png\").width }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["templates/page.html:1:", "cannot find the image"]);
    site.write("static/broken.png", "not an image");
    site.write("templates/page.html", "{{ get_image_metadata(path=\"broken.png\").width }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["cannot read the image `static/broken.png`"]);
    site.write("templates/page.html", "{{ page.title }}");
    site.build().assert_same_as_clean_build();
}
