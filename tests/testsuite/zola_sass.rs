//! Sass stylesheets (`sass/**/*.scss`, `*.sass`, and a theme's), compiled
//! to CSS as Zola compiles them: each sheet depends on exactly the files it
//! imported and the places it looked for them, in the same process and in
//! a new one, and a Sass error is a diagnostic at its file, line and column.

use camino::Utf8Path;
use qsite::workspace::Workspace;
use queries::BuildOptions;

use crate::support::{SiteTest, rendered_after};

/// The fixture loaded into the library's workspace, as `serve` holds it,
/// through its Zola configuration file.
fn load(site: &SiteTest) -> Workspace {
    let root = Utf8Path::from_path(site.root()).expect("UTF-8 temporary path");
    Workspace::load(root, Utf8Path::new("config.toml"), BuildOptions::default()).expect("site loads")
}

/// The summary of a build in a new process, after checking it against a
/// clean build.
fn rebuild_summary(site: &SiteTest) -> String {
    let run = site.qsite(&["build", "-v"]);
    run.assert_code(0);
    site.assert_same_as_clean_build();
    run.stdout
}

#[test]
fn sass_sources_are_compiled_never_copied() {
    let site = SiteTest::copy("zola-sass");
    site.build();
    let outputs: Vec<String> = site.public().into_keys().filter(|path| !path.ends_with(".html")).collect();
    assert_eq!(
        outputs,
        [".qsite-manifest", "css/print.css", "ink.css", "plain.css", "robots.txt", "site.css", "sitemap.xml"],
        "partials, the `_drafts` folder and the sources themselves are not outputs"
    );
}

#[test]
fn a_partial_edit_recompiles_exactly_the_sheets_that_import_it() {
    let site = SiteTest::copy("zola-sass");
    site.build();
    let mut workspace = load(&site);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("sass/_layout.scss", "40rem", "42rem");
    });
    assert_eq!(outputs, ["css/print.css", "site.css"]);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("sass/_colors.scss", "#202020", "#303030");
    });
    assert_eq!(outputs, ["site.css"]);
    // The theme's partial, imported by the theme's sheet and the site's.
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("themes/ink/sass/widgets/_buttons.scss", "3px", "4px");
    });
    assert_eq!(outputs, ["ink.css", "site.css"]);
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.edit("content/_index.md", "Home", "Start");
    });
    assert!(outputs.iter().all(|output| !output.ends_with(".css")), "{outputs:?}");
    site.build().assert_same_as_clean_build();
    assert!(site.output("site.css").contains("max-width:42rem"), "{}", site.output("site.css"));
}

#[test]
fn a_partial_edit_in_a_new_process_recompiles_exactly_its_importers() {
    let site = SiteTest::copy("zola-sass");
    site.build();
    site.edit("sass/_layout.scss", "40rem", "42rem");
    let summary = rebuild_summary(&site);
    assert!(summary.contains("rendered 2, reused 6"), "{summary}");
    assert!(summary.contains("sass(sass/_layout.scss) <- sass/_layout.scss changed"), "{summary}");
    site.edit("themes/ink/sass/widgets/_buttons.scss", "3px", "4px");
    let summary = rebuild_summary(&site);
    assert!(summary.contains("rendered 2, reused 6"), "{summary}");
    site.edit("content/_index.md", "Home", "Start");
    let summary = rebuild_summary(&site);
    assert!(!summary.contains(".css"), "no stylesheet is compiled again:\n{summary}");
}

#[test]
fn a_new_partial_where_an_import_looked_first_is_noticed() {
    let site = SiteTest::copy("zola-sass");
    site.build();
    let mut workspace = load(&site);
    // `@import 'layout'` tries `_layout.sass` before `_layout.scss`.
    let outputs = rendered_after(&site, &mut workspace, |site| {
        site.write("sass/_layout.sass", "main\n  max-width: 10rem\n");
    });
    assert_eq!(outputs, ["css/print.css", "site.css"]);
    site.build().assert_same_as_clean_build();
    assert!(site.output("site.css").starts_with("main{max-width:10rem}"), "{}", site.output("site.css"));
    // And in a new process: the file goes away, and comes back.
    site.remove("sass/_layout.sass");
    let summary = rebuild_summary(&site);
    assert!(summary.contains("rendered 2, reused 6"), "{summary}");
    assert!(site.output("site.css").starts_with("main{max-width:40rem}"));
    site.write("sass/_layout.sass", "main\n  max-width: 20rem\n");
    let summary = rebuild_summary(&site);
    assert!(summary.contains("rendered 2, reused 6"), "{summary}");
    assert!(site.output("css/print.css").starts_with("main{max-width:20rem}"));
}

#[test]
fn two_sheets_compiling_to_one_file_are_an_error() {
    let site = SiteTest::copy("zola-sass");
    site.write("sass/plain.scss", ".plain { margin: 0; }\n");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&["two outputs claim the URL `/plain.css`"]);
}

#[test]
fn the_sites_sheet_wins_over_the_themes_at_the_same_path() {
    let site = SiteTest::copy("zola-sass");
    site.build();
    assert!(!site.output("site.css").contains("blue"));
    site.remove("sass/site.scss");
    site.build().assert_same_as_clean_build();
    assert_eq!(site.output("site.css"), "body{color:blue}");
    site.write("sass/site.scss", "body { color: green; }\n");
    site.build().assert_same_as_clean_build();
    assert_eq!(site.output("site.css"), "body{color:green}");
}

#[test]
fn without_compile_sass_only_the_themes_sheets_are_compiled() {
    let site = SiteTest::copy("zola-sass");
    site.edit("config.toml", "compile_sass = true", "compile_sass = false");
    site.build();
    assert_eq!(site.output("site.css"), "body{color:blue}");
    assert!(site.has_output("ink.css") && !site.has_output("plain.css") && !site.has_output("css/print.css"));
    site.edit("config.toml", "compile_sass = false", "compile_sass = true");
    site.build().assert_same_as_clean_build();
    assert!(site.has_output("plain.css"));
}

#[test]
fn sass_errors_point_at_the_partials_line_and_column_with_the_sites_other_errors() {
    let site = SiteTest::copy("zola-sass");
    site.build();
    site.write("sass/_colors.scss", "$ink: #202020;\n$paper: $nothing;\n");
    site.write("sass/css/print.scss", "@import 'gone';\n");
    site.write("templates/index.html", "{{ nope.at_all }}");
    site.qsite(&["build"]).assert_code(1).assert_stderr_has(&[
        "Undefined variable.",
        "[sass/_colors.scss:2:9]",
        "Can't find stylesheet to import.",
        "[sass/css/print.scss:1:9]",
        "[templates/index.html:1:",
    ]);
    site.write("sass/_colors.scss", "$ink: #202020;\n$paper: #eeeeee;\n");
    site.write("sass/css/print.scss", "@import '../layout';\n");
    site.write("templates/index.html", "home");
    site.build().assert_same_as_clean_build();
}

#[test]
fn serve_restyles_open_tabs_on_a_partial_edit_and_shows_sass_errors() {
    let site = SiteTest::copy("zola-sass");
    let served = site.serve(&[]);
    let home = served.open_tab("/");
    site.edit("sass/_colors.scss", "#202020", "#303030");
    home.expect("css");
    served.wait_for_line("sass/_colors.scss changed");
    assert!(served.get("/site.css").text().contains("color:#303030"));
    site.edit("sass/_colors.scss", "#303030;", "#303030");
    home.expect("overlay");
    served.wait_for_line("with errors");
    site.edit("sass/_colors.scss", "#303030", "#404040;");
    home.expect("clear");
    served.wait_until("/site.css", "the fixed color", |fetched| fetched.text().contains("color:#404040"));
    assert_eq!(served.stop(), 0);
}
