//! Front matter values that become URLs and file names, and bytes that are
//! not text, through the real binary: an unusable value falls back with a
//! warning, a clash or an unsafe value is an error at its line, odd bytes
//! are reported where they are, and nothing is ever written outside the
//! output folder. See issue "Nothing outside the output folder is ever touched".

use crate::support::SiteTest;

const CONFIG: &str = "title = \"URLs\"\nbase_url = \"https://urls.test\"\ntaxonomies = [\"tags\"]\n";

/// A site with a blog section and one good post, in a folder of its own so
/// tests can watch the folder around it.
fn blog() -> SiteTest {
    let site = SiteTest::in_subfolder();
    site.write("qsite.toml", CONFIG)
        .write("content/_index.md", "+++\ntitle = \"Home\"\n+++\n")
        .write("content/blog/_index.md", "+++\ntitle = \"Blog\"\n+++\n")
        .write("content/blog/good.md", "+++\ntitle = \"Good\"\ndate = 2024-01-01\n+++\nFine.\n");
    site
}

/// Every output path, to check that none has an empty segment.
fn output_paths(site: &SiteTest) -> Vec<String> {
    site.public().into_keys().collect()
}

#[test]
fn a_slug_with_no_letters_falls_back_to_the_file_name_and_verifies() {
    let site = blog();
    site.write("content/blog/my-post.md", "+++\ntitle = \"Mine\"\nslug = \"!!!\"\n+++\nBody.\n");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&[
        "`slug = \"!!!\"` leaves nothing for the URL, so the file name is used instead",
        "[content/blog/my-post.md:3:1]",
    ]);
    assert!(site.output("blog/my-post/index.html").contains("Mine"));
    let paths = output_paths(&site);
    assert!(paths.iter().all(|path| !path.contains("//")), "{paths:?}");
    assert!(!site.output("blog/index.html").contains("/blog//"), "the listing links to `/blog//`");
    site.qsite(&["build", "--verify"]).assert_code(0);
    site.assert_same_as_clean_build();
}

#[test]
fn empty_tags_are_left_out_with_a_warning_and_no_term_page_at_tags_slash_slash() {
    let site = blog();
    site.write("content/blog/tagged.md", "+++\ntitle = \"Tagged\"\ntags = [\"\", \"!!!\", \"rust\"]\n+++\nBody.\n");
    site.qsite(&["build"]).assert_code(0).assert_stderr_has(&[
        "the `tags` term \"\" has no letters or digits for a URL, so it is left out",
        "the `tags` term \"!!!\" has no letters or digits for a URL, so it is left out",
        "[content/blog/tagged.md:3:1]",
    ]);
    let terms: Vec<String> = output_paths(&site).into_iter().filter(|path| path.starts_with("tags/")).collect();
    assert_eq!(terms, ["tags/index.html", "tags/rust/index.html"]);
    for (path, bytes) in site.public() {
        assert!(!String::from_utf8_lossy(&bytes).contains("/tags//"), "public/{path} links to `/tags//`");
    }
    site.assert_same_as_clean_build();
}

#[test]
fn two_pages_claiming_one_url_fail_naming_both_files() {
    let site = blog();
    site.write("content/blog/a.md", "+++\ntitle = \"A\"\npath = \"same\"\n+++\n")
        .write("content/blog/b.md", "+++\ntitle = \"B\"\npath = \"/same/\"\n+++\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "two outputs claim the URL `/same/`: `content/blog/a.md` and `content/blog/b.md`",
        "[content/blog/b.md:3:1]",
        "nothing was written",
    ]);
    assert!(site.public().is_empty());
}

#[test]
fn a_byte_order_mark_before_the_fence_keeps_the_front_matter() {
    let site = blog();
    site.write("templates/page.html", "{{ page.title }}|{{ page.content }}")
        .write("content/blog/toml.md", "\u{feff}+++\ntitle = \"From TOML\"\n+++\nBody.\n")
        .write("content/blog/yaml.md", "\u{feff}---\ntitle: From YAML\n---\nBody.\n");
    let run = site.qsite(&["build"]);
    run.assert_code(0);
    assert!(!run.stderr.contains("qsite::"), "a diagnostic for a byte order mark:\n{}", run.stderr);
    assert_eq!(site.output("blog/toml/index.html"), "From TOML|<p>Body.</p>\n");
    assert_eq!(site.output("blog/yaml/index.html"), "From YAML|<p>Body.</p>\n");
    site.assert_same_as_clean_build();
}

#[test]
fn a_nul_byte_in_a_page_is_an_error_at_its_offset() {
    let site = blog();
    site.write_bytes("content/blog/nul.md", b"+++\ntitle = \"A\"\n+++\nA\0B\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "this file holds a NUL byte (at byte 21), which is not text",
        "[content/blog/nul.md:4:2]",
        "nothing was written",
    ]);
}

#[test]
fn invalid_utf8_in_a_page_is_an_error_at_its_offset() {
    let site = blog();
    site.write_bytes("content/blog/latin1.md", b"+++\ntitle = \"A\"\n+++\nCaf\xe9\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "this file is not valid UTF-8 (at byte 23)",
        "[content/blog/latin1.md:4:4]",
        "nothing was written",
    ]);
}

/// Builds the blog with a page whose third line is `line`, and checks that
/// the build fails with `problem` at that line and writes nothing anywhere.
#[track_caller]
fn assert_unsafe(line: &str, problem: &str) {
    let site = blog();
    site.write("content/blog/bad.md", &format!("+++\ntitle = \"Bad\"\n{line}\n+++\nBody.\n"));
    let before = site.outside_output();
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "qsite::routes::unsafe_path",
        problem,
        "[content/blog/bad.md:3:1]",
        "nothing was written",
    ]);
    assert_eq!(site.outside_output(), before, "a failed build wrote outside the output folder");
    assert!(site.public().is_empty(), "a failed build wrote output");
}

#[test]
fn a_path_climbing_out_with_dot_dot_is_refused() {
    assert_unsafe("path = \"../x\"", "the URL `/../x/` cannot be an output file: it contains `..`");
}

#[test]
fn an_alias_climbing_out_with_dot_dot_is_refused() {
    assert_unsafe("aliases = [\"/a/../../x\"]", "the URL `/a/../../x/` cannot be an output file: it contains `..`");
}

#[test]
fn a_path_with_a_backslash_is_refused() {
    assert_unsafe("path = \"..\\\\x\"", r"the URL `/..\x/` cannot be an output file: it contains a backslash");
}

#[test]
fn an_alias_with_a_nul_character_is_refused() {
    assert_unsafe("aliases = [\"a\\u0000b\"]", "cannot be an output file: it contains a NUL character");
}

#[test]
fn a_path_with_a_drive_letter_is_refused() {
    assert_unsafe("path = \"C:/x\"", "the URL `/C:/x/` cannot be an output file: it starts with a drive letter");
}

#[test]
fn an_absolute_path_is_a_url_inside_the_output_folder() {
    let site = blog();
    site.write("content/blog/etc.md", "+++\ntitle = \"Etc\"\npath = \"/etc/x\"\n+++\nBody.\n");
    let before = site.outside_output();
    site.build();
    assert_eq!(site.outside_output(), before, "the build wrote outside the output folder");
    assert!(site.output("etc/x/index.html").contains("Etc"));
    site.assert_same_as_clean_build();
}

#[test]
fn names_and_paths_longer_than_a_file_system_takes_fail_check_and_build_alike() {
    // See issue #27.
    let long = |byte: &str, count: usize| byte.repeat(count);
    for (file, text, location) in [
        ("bad.md", format!("slug = \"{}\"", long("a", 400)), "[content/blog/bad.md:3:1]"),
        ("bad.md", format!("path = \"/x/{}/\"", long("b", 300)), "[content/blog/bad.md:3:1]"),
        ("bad.md", format!("aliases = [\"/{}\"]", long("c", 300)), "[content/blog/bad.md:3:1]"),
        ("bad.md", format!("tags = [\"{}\"]", long("t", 300)), "[content/blog/bad.md:3:1]"),
        ("bad.md", format!("path = \"{}\"", long("abcdefgh/", 500)), "[content/blog/bad.md:3:1]"),
        (long("中", 80).as_str(), String::new(), "md:1:1]"),
    ] {
        let site = blog();
        let name = if file.ends_with(".md") { file.to_owned() } else { format!("{file}.md") };
        site.write(&format!("content/blog/{name}"), &format!("+++\ntitle = \"Bad\"\n{text}\n+++\nBody.\n"));
        let problem = ["qsite::routes::unsafe_path", "cannot be an output file", location];
        site.qsite(&["check"]).assert_code(1).assert_stderr_has(&problem);
        let before = site.outside_output();
        site.qsite(&["build"]).assert_code(1).assert_stderr_has(&problem).assert_stderr_has(&["nothing was written"]);
        assert_eq!(site.outside_output(), before, "a failed build wrote outside the output folder");
        assert!(site.public().is_empty(), "a failed build wrote output");
    }
}

#[test]
fn a_file_name_of_255_bytes_is_written_through_its_temporary_file() {
    // See issue #27.
    let site = blog();
    let name = format!("{}.txt", "p".repeat(251));
    site.write(&format!("static/{name}"), "Long");
    site.build();
    assert_eq!(site.output(&name), "Long");
    site.assert_same_as_clean_build();
}
