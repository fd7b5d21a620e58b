//! `qsite serve` through the real binary on a loopback port: the served bytes
//! equal a clean build's, edits reach exactly the tabs whose page changed,
//! errors show in the overlay and go away, and requests made during
//! rebuilds see one revision or the other.

use std::time::Duration;

use crate::support::{Served, SiteTest, url_path, without_injection};

/// How long a tab that must not be told anything is watched after the
/// rebuild that concerns it was reported.
const QUIET: Duration = Duration::from_millis(300);

/// Builds a copy of the site's inputs with the server's base URL and checks
/// that the server answers every output path with the same bytes.
#[track_caller]
fn assert_serves_clean_build(site: &SiteTest, served: &Served) {
    let clean = site.copy_of_inputs();
    clean.qsite(&["build", "--base-url", &served.url]).assert_code(0);
    for (output, bytes) in clean.site_files() {
        let fetched = served.get(&url_path(&output));
        assert_eq!(fetched.status, 200, "{output}");
        let body =
            if output.ends_with(".html") { without_injection(&fetched.text()).into_bytes() } else { fetched.body };
        assert!(
            body == bytes,
            "{output} served differs from a clean build:\n--- served\n{}\n--- clean\n{}",
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(&bytes)
        );
    }
}

#[test]
fn serves_every_output_as_a_clean_build_writes_it() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    assert_serves_clean_build(&site, &served);
    let page = served.get("/blog/post-01/");
    assert_eq!(page.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.text().contains(r#"<script src="/__qsite/live.js""#));
    let css = served.get("/style.css");
    assert_eq!(css.headers["content-type"], "text/css");
    assert_eq!(css.headers["cache-control"], "no-store");
    assert!(served.get("/__qsite/live.js").text().contains("EventSource"));
    // Nothing is written to the site folder.
    assert!(!site.root().join("public").exists());
    assert!(!site.root().join(".qsite").exists());
}

#[test]
fn http_details_users_expect() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let redirect = served.get("/blog");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.headers["location"], "/blog/");
    let missing = served.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(missing.headers["cache-control"], "no-store");
    let head = served.request("HEAD", "/blog/post-01/", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let range = served.request("GET", "/style.css", &[("Range", "bytes=0-3")]);
    assert_eq!(range.status, 206);
    assert_eq!(range.body, &site.read_input("static/style.css").as_bytes()[..4]);
    assert_eq!(served.request("POST", "/blog/", &[]).status, 405);
    assert_eq!(served.get("/tags/r%C3%BCst/").status, 404);
}

#[test]
fn a_body_edit_reloads_only_its_page() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let post = served.open_tab("/blog/post-01/");
    let listing = served.open_tab("/blog/");
    let other = served.open_tab("/notes/alpha/");
    site.edit("content/blog/post-01.md", "More about post 1.", "Much more about post 1.");
    post.expect("reload");
    let line = served.wait_for_line("content/blog/post-01.md changed");
    assert!(line.contains("1 tab reloaded"), "{line}");
    assert!(line.starts_with('[') && line.find("] ") == Some(9), "a time of day leads: {line}");
    // The listing prints titles only.
    assert_ne!(listing.next_within(QUIET).as_deref(), Some("reload"));
    assert_ne!(other.next_within(QUIET).as_deref(), Some("reload"));
    assert!(served.get("/blog/post-01/").text().contains("Much more about post 1."));
    assert_serves_clean_build(&site, &served);
}

#[test]
fn a_title_edit_reloads_the_pages_that_show_it() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let listing = served.open_tab("/blog/");
    let other = served.open_tab("/notes/alpha/");
    site.edit("content/blog/post-12.md", "title = \"Post 12\"", "title = \"Twelfth\"");
    listing.expect("reload");
    served.wait_for_line("content/blog/post-12.md changed");
    assert_ne!(other.next_within(QUIET).as_deref(), Some("reload"));
    assert_serves_clean_build(&site, &served);
}

#[test]
fn a_template_edit_reloads_and_a_stylesheet_edit_restyles() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let post = served.open_tab("/blog/post-01/");
    let listing = served.open_tab("/blog/");
    site.write("static/style.css", "body { color: rebeccapurple; }\n");
    post.expect("css");
    listing.expect("css");
    served.wait_for_line("static/style.css changed");
    assert_eq!(served.get("/style.css").text(), "body { color: rebeccapurple; }\n");
    site.edit("templates/page.html", "<article>", "<article class=\"post\">");
    post.expect("reload");
    served.wait_for_line("templates/page.html changed");
    assert_ne!(listing.next_within(QUIET).as_deref(), Some("reload"));
    assert_serves_clean_build(&site, &served);
}

#[test]
fn pages_added_deleted_and_a_folder_renamed() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let missing = served.open_tab("/blog/fresh/");
    site.write("content/blog/fresh.md", "+++\ntitle = \"Fresh\"\ndate = 2025-06-01\n+++\nNew here.\n");
    missing.expect("reload");
    served.wait_for_line("content/blog/fresh.md changed");
    assert!(served.get("/blog/fresh/").text().contains("New here."));
    assert_serves_clean_build(&site, &served);

    let doomed = served.open_tab("/blog/post-03/");
    site.remove("content/blog/post-03.md");
    doomed.expect("reload");
    served.wait_for_line("content/blog/post-03.md changed");
    assert_eq!(served.get("/blog/post-03/").status, 404);
    assert_serves_clean_build(&site, &served);

    let moved = served.open_tab("/notes/alpha/");
    std::fs::rename(site.root().join("content/notes"), site.root().join("content/jottings")).unwrap();
    moved.expect("reload");
    served.wait_for_line("content/notes");
    assert_eq!(served.get("/notes/alpha/").status, 404);
    assert_eq!(served.get("/jottings/alpha/").status, 200);
    assert_serves_clean_build(&site, &served);
}

#[test]
fn errors_show_in_the_overlay_until_fixed() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let tab = served.open_tab("/blog/post-01/");
    tab.expect("clear");
    let good = site.read_input("templates/page.html");
    site.write("templates/page.html", &good.replace("{{ page.title }}</h1>", "{{ page.title | nope }}</h1>"));
    tab.expect("overlay");
    served.wait_for_line("with errors");
    let page = served.get("/blog/post-01/").text();
    assert!(page.contains(r#"<div id="qsite-overlay""#), "{page}");
    assert!(page.contains("templates/page.html:3:"), "{page}");
    // Every page carries the overlay while the site has errors.
    assert!(served.get("/notes/alpha/").text().contains("qsite-overlay"));
    site.write("templates/page.html", &good);
    tab.expect("clear");
    served.wait_for_line("templates/page.html changed");
    assert!(!served.get("/notes/alpha/").text().contains("qsite-overlay"));
    assert_serves_clean_build(&site, &served);
}

#[test]
fn a_broken_front_matter_does_not_stop_the_server() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let tab = served.open_tab("/blog/post-02/");
    let good = site.read_input("content/blog/post-02.md");
    site.write("content/blog/post-02.md", &good.replace("title = \"Post 2\"", "title = "));
    tab.expect("overlay");
    assert!(served.get("/blog/post-02/").text().contains("content/blog/post-02.md:2:"));
    site.write("content/blog/post-02.md", &good);
    tab.expect("clear");
    assert_serves_clean_build(&site, &served);
}

#[test]
fn requests_during_rebuilds_see_the_old_page_or_the_new_one() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let titles = ["Post 1", "Post One"];
    std::thread::scope(|scope| {
        let edits = scope.spawn(|| {
            // Saved as editors save: a hidden file renamed over the page, so
            // the file is never seen half written.
            let text = site.read_input("content/blog/post-01.md");
            for round in 0..40 {
                let to = titles[(round + 1) % 2];
                let next = text.replace(&format!("title = \"{}\"", titles[0]), &format!("title = \"{to}\""));
                site.write("content/blog/.post-01.md.swp", &next);
                site.rename("content/blog/.post-01.md.swp", "content/blog/post-01.md");
                std::thread::sleep(Duration::from_millis(15));
            }
        });
        let mut checked = 0;
        while !edits.is_finished() || checked < 40 {
            let page = served.get("/blog/post-01/");
            assert_eq!(page.status, 200);
            let text = page.text();
            // The title shows twice; one revision shows the same one twice.
            let consistent = titles.iter().any(|title| {
                text.contains(&format!("<title>{title}</title>")) && text.contains(&format!("<h1>{title}</h1>"))
            });
            assert!(consistent, "a mixed page:\n{text}");
            checked += 1;
        }
    });
    std::thread::sleep(Duration::from_millis(200));
    assert_serves_clean_build(&site, &served);
}

#[test]
fn a_busy_port_moves_to_the_next_and_ctrl_c_stops_cleanly() {
    let site = SiteTest::copy("blog");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let served = site.serve(&["--port", &port.to_string()]);
    assert!(!served.url.ends_with(&format!(":{port}")), "{}", served.url);
    let served_port = served.url.rsplit(':').next().unwrap();
    assert_eq!(served.startup, [format!("Port {port} is busy, so the site is served on port {served_port}.")]);
    assert_eq!(served.get("/").status, 200);
    let _tab = served.open_tab("/");
    assert_eq!(served.stop(), 0);
    assert!(!site.root().join("public").exists());
}

// See issue #27.
#[test]
fn links_and_fifos_made_while_serving_are_never_inputs() {
    let site = SiteTest::copy_beside_canary("blog");
    std::fs::write(site.canary().join("outside.md"), "+++\ntitle = \"Outside\"\n+++\nFrom outside the site.\n")
        .unwrap();
    let served = site.serve(&[]);
    let link = |target: &str, at: &str| std::os::unix::fs::symlink(target, site.root().join(at)).unwrap();
    link("../../canary", "static/linked");
    link("..", "static/root");
    link("../../../canary/outside.md", "content/blog/outside.md");
    link("/dev/zero", "static/zero.bin");
    let fifo = std::process::Command::new("mkfifo").arg(site.root().join("static/pipe")).status();
    assert!(fifo.unwrap().success());
    // A real edit after them: once it is served, the links were seen too.
    site.edit("content/blog/post-01.md", "More about post 1.", "Much more about post 1.");
    served.wait_for_line("changed");
    served.wait_until("/blog/post-01/", "the edit was never served", |page| page.text().contains("Much more"));
    for path in [
        "/linked/victim.txt",
        "/root/qsite.toml",
        "/root/content/blog/post-01.md",
        "/blog/outside/",
        "/zero.bin",
        "/pipe",
    ] {
        assert_eq!(served.get(path).status, 404, "{path} is served");
    }
    assert_serves_clean_build(&site, &served);
}

// See issue #27.
#[test]
fn a_batch_with_the_configuration_briefly_gone_is_not_lost() {
    let site = SiteTest::copy("blog");
    let served = site.serve(&[]);
    let config = site.read_input("qsite.toml");
    // An editor that saves by removing and writing again, while a page goes.
    site.remove("qsite.toml");
    site.remove("content/blog/post-05.md");
    // Long enough for the server to see the folder without its configuration.
    std::thread::sleep(Duration::from_millis(300));
    site.write("qsite.toml", &config);
    served.wait_until("/blog/post-05/", "a deleted page is still served", |page| page.status == 404);
    assert_serves_clean_build(&site, &served);
}

#[test]
fn resized_images_are_encoded_on_request_and_follow_their_source() {
    let site = crate::zola_images::site();
    let served = site.serve(&[]);
    assert_serves_clean_build(&site, &served);
    let home = served.get("/").text();
    let line = home.lines().find(|line| line.starts_with("fit_height: ")).expect("the home page resizes");
    let url = line.split(' ').nth(1).expect("the image's URL");
    let path = url.strip_prefix(&served.url).expect("a URL of the server");
    let first = served.get(path);
    assert_eq!(first.status, 200);
    assert_eq!(first.headers["content-type"], "image/webp");
    assert_eq!(first.headers["cache-control"], "no-store");
    let decoded = image::load_from_memory(&first.body).expect("decodes");
    assert_eq!((decoded.width(), decoded.height()), (40, 20));
    assert_eq!(served.get(path).body, first.body);
    // The same size in other colors: the page is unchanged, the image is not.
    site.write_bytes("static/wide.png", &crate::zola_images::drawn(80, 40, 99, image::ImageFormat::Png));
    served.wait_until(path, "the image never followed its edited source", |fetched| {
        fetched.status == 200 && fetched.body != first.body
    });
    assert_serves_clean_build(&site, &served);
    // The site's own file of that name wins, as in a build.
    let own = path.trim_start_matches('/');
    site.write_bytes(&format!("static/{own}"), b"the site's own");
    served.wait_until(path, "the site's own file never won", |fetched| fetched.body == b"the site's own");
}
