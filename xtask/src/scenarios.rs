//! The edits the bench times, applied to the model and written in a tool's layout.

use std::path::Path;

use crate::features::{self, Features};
use crate::generate::{Layout, Model, Page};

/// What the bench does before each timed build.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scenario {
    /// Output and cache removed: a first build.
    Clean,
    /// Nothing changed since the last build.
    NoOp,
    /// A sentence appended to a page's body, after its summary.
    BodyEdit,
    /// A page's title changed.
    TitleEdit,
    /// A page's date moved to the newest, reordering listings.
    DateEdit,
    /// A tag added to a page.
    TagAdded,
    /// A new page.
    PageAdded,
    /// A page nothing links to deleted.
    PageDeleted,
    /// The page template changed.
    TemplateEdit,
    /// The configuration changed (the site title).
    ConfigEdit,
    /// The features site's note shortcode changed: every page calls it.
    ShortcodeEdit,
    /// The Sass partial every stylesheet imports changed.
    PartialEdit,
    /// One of the features site's images redrawn.
    ImageEdit,
}

impl Scenario {
    /// Every scenario, in the order the table shows them.
    pub const ALL: [Scenario; 10] = [
        Scenario::Clean,
        Scenario::NoOp,
        Scenario::BodyEdit,
        Scenario::TitleEdit,
        Scenario::DateEdit,
        Scenario::TagAdded,
        Scenario::PageAdded,
        Scenario::PageDeleted,
        Scenario::TemplateEdit,
        Scenario::ConfigEdit,
    ];

    /// The scenarios of the features site (`--site features`): the edits
    /// its expensive steps answer to, between the blog's basic ones.
    pub const FEATURES: [Scenario; 8] = [
        Scenario::Clean,
        Scenario::NoOp,
        Scenario::BodyEdit,
        Scenario::TitleEdit,
        Scenario::ShortcodeEdit,
        Scenario::PartialEdit,
        Scenario::ImageEdit,
        Scenario::ConfigEdit,
    ];

    /// Its name in the table and the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Clean => "clean build",
            Scenario::NoOp => "no-op",
            Scenario::BodyEdit => "body edit",
            Scenario::TitleEdit => "title edit",
            Scenario::DateEdit => "date edit (reorders)",
            Scenario::TagAdded => "tag added",
            Scenario::PageAdded => "page added",
            Scenario::PageDeleted => "page deleted",
            Scenario::TemplateEdit => "template edit",
            Scenario::ConfigEdit => "config edit",
            Scenario::ShortcodeEdit => "shortcode edit",
            Scenario::PartialEdit => "Sass partial edit",
            Scenario::ImageEdit => "image edit",
        }
    }

    /// The budget for this scenario at `n` pages, if it has one: per size
    /// tier (up to 1,000, 10,000 and 100,000 pages). Peak RSS has its own,
    /// [`rss_budget_mb`].
    pub fn budget(self, n: usize) -> Option<&'static str> {
        let tier = |small, medium, large| {
            Some(if n <= 1_000 {
                small
            } else if n <= 10_000 {
                medium
            } else {
                large
            })
        };
        match self {
            Scenario::Clean => Some("<= 0.5x Hugo"),
            Scenario::NoOp => tier("<= 15 ms", "<= 60 ms", "<= 300 ms"),
            Scenario::BodyEdit => tier("<= 30 ms", "<= 100 ms", "<= 500 ms"),
            Scenario::TitleEdit => tier("<= 40 ms", "<= 200 ms", "<= 1 s"),
            // Every page shows the newest posts, so these re-render all.
            Scenario::DateEdit | Scenario::PageAdded | Scenario::TemplateEdit => Some("<= clean"),
            _ => None,
        }
    }

    /// The URL path of a page that run `run`'s edit must change, read from
    /// the model before the edit, so the serve bench can watch it as an open
    /// tab would; `None` for the scenarios that edit nothing.
    pub fn changed_page_url(self, model: &Model, run: usize) -> Option<String> {
        let target = model.unlinked_page(run + 1);
        let target_page = model.pages[target].as_ref().expect("page exists");
        match self {
            // A stylesheet or a processed image changes, not a page: the
            // tab swaps the sheet or keeps its page.
            Scenario::Clean | Scenario::NoOp | Scenario::PartialEdit | Scenario::ImageEdit => None,
            // Its URL answers 404 until the page is written.
            Scenario::PageAdded => Some(model.url_path(&added_page(model, target, run))),
            // The home page shows the site title.
            Scenario::ConfigEdit => Some("/".to_owned()),
            // The edited page itself; for the page template, any page would do.
            _ => Some(model.url_path(target_page)),
        }
    }

    /// Applies run `run`'s edit to the model and the site folder. Each run
    /// makes a different change, so no run is a no-op by accident.
    pub fn apply(self, layout: Layout, root: &Path, model: &mut Model, run: usize) {
        // Pages from the middle of the site: neither newest nor oldest.
        let target = model.unlinked_page(run + 1);
        match self {
            Scenario::Clean => {
                let _ = std::fs::remove_dir_all(root.join("public"));
                let _ = std::fs::remove_dir_all(root.join(".qsite"));
                let _ = std::fs::remove_dir_all(root.join("resources"));
            }
            Scenario::NoOp => {}
            Scenario::BodyEdit => {
                edit_page(model, target, |page| page.body.push_str(&format!("\nEdited body, run {run}.\n")));
                layout.write_page(root, model, target);
            }
            Scenario::TitleEdit => {
                edit_page(model, target, |page| page.title = format!("Retitled page {target}, run {run}"));
                layout.write_page(root, model, target);
            }
            Scenario::DateEdit => {
                let newest = model.newest_date();
                edit_page(model, target, |page| page.date = newest + 3_600);
                layout.write_page(root, model, target);
            }
            Scenario::TagAdded => {
                let tag_count = model.tags.len();
                edit_page(model, target, |page| {
                    // The first tag the page lacks from a start that moves
                    // with the run: a tag it already has would make a no-op.
                    let extra = (0..tag_count)
                        .map(|step| (run * 7 + 3 + step) % tag_count)
                        .find(|tag| !page.tags.contains(tag))
                        .expect("no page has every tag");
                    page.tags.push(extra);
                });
                layout.write_page(root, model, target);
            }
            Scenario::PageAdded => {
                let page = added_page(model, target, run);
                model.pages.push(Some(page));
                layout.write_page(root, model, model.pages.len() - 1);
            }
            Scenario::PageDeleted => {
                layout.remove_page(root, model, target);
                model.pages[target] = None;
            }
            Scenario::TemplateEdit => {
                model.template_version += 1;
                layout.write_templates(root, model);
            }
            Scenario::ConfigEdit => {
                model.config_version += 1;
                layout.write_config(root, model);
            }
            Scenario::ShortcodeEdit => {
                let features = features_of(model);
                features.shortcode_version += 1;
                features::write_shortcodes(root, features);
            }
            Scenario::PartialEdit => {
                let features = features_of(model);
                features.partial_version += 1;
                features::write_partial(root, features);
            }
            Scenario::ImageEdit => {
                let features = features_of(model);
                let image = run % features.image_versions.len();
                features.image_versions[image] += 1;
                features::write_image(root, features, image);
            }
        }
    }
}

/// Peak RSS allowed in any scenario at `n` pages, in MiB.
pub fn rss_budget_mb(n: usize) -> u64 {
    if n <= 1_000 {
        200
    } else if n <= 10_000 {
        400
    } else {
        1024
    }
}

/// The page run `run` of `PageAdded` writes: a copy of page `target` with
/// a new slug and title, made the newest.
fn added_page(model: &Model, target: usize, run: usize) -> Page {
    let mut page = model.pages[target].clone().expect("template page");
    page.slug = format!("added-{run}");
    page.title = format!("Added page {run}");
    page.date = model.newest_date() + 60;
    page
}

fn edit_page(model: &mut Model, index: usize, change: impl FnOnce(&mut Page)) {
    change(model.pages[index].as_mut().expect("page exists"));
}

/// The features of the site a feature scenario edits.
fn features_of(model: &mut Model) -> &mut Features {
    model.features.as_mut().expect("feature scenarios run on the features site")
}
