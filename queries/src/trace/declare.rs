//! `traced_reads!`: every value a render may read, declared once.
//!
//! From one declaration per read the macro makes the [`super::Read`]
//! variant, its footprint, its name (as `qsite explain` and `-v` print it),
//! the value its hash is computed from, and, for a read of one file's
//! query, the accessor render code calls. A read of a file's query is
//! declared by the query alone, so the value that is hashed is by
//! construction the value the accessor returned:
//!
//! ```text
//! files {
//!     /// Its title.
//!     PageTitle => fn page_title -> &String = crate::page::page_title, in content_file;
//! }
//! ```
//!
//! is keyed by the file's path from the site root, depends on that file alone
//! (`Footprint::File`), is named `page_title(content/blog/a.md)`, hashes
//! `page_title(db, file)` (or its absence when `content_file` finds no file
//! at that path), and gives `page_title(db, file)`, which records the read
//! before it returns the query's value. Any other read spells out its key,
//! its name, its footprint and its value:
//!
//! ```text
//! others {
//!     /// What a link destination resolves to: file and URL.
//!     LinkTarget(destination: String) {
//!         name: format_args!("link_target({destination})"),
//!         footprint: Footprint::Site(Facets::of(&[Facet::Location])),
//!         value(db): resolve(db, destination).file.map(|file| …),
//!     }
//! }
//! ```
//!
//! A value is anything that implements
//! [`StableHash`](crate::stable_hash::StableHash), which is derived field by
//! field; a footprint must name every input the value reaches, which the
//! footprint property test checks on generated sites.

/// See the module header.
macro_rules! traced_reads {
    (
        files {
            $(
                $(#[doc = $file_doc:literal])*
                $file_variant:ident => fn $accessor:ident -> $returns:ty = $query:path, in $lookup:ident;
            )*
        }
        others {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident $( ( $($key:ident : $key_type:ty),+ ) )? {
                    name: $name:expr,
                    footprint: $footprint:expr,
                    value($db:ident): $value:expr $(,)?
                }
            )*
        }
    ) => {
        /// One value a render read, named so that a later process can look
        /// it up again. File keys are paths from the site root.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Read {
            $( $(#[doc = $file_doc])* $file_variant(String), )*
            $( $(#[doc = $doc])* $variant $( ( $($key_type),+ ) )?, )*
        }

        impl Read {
            /// What this read's value depends on; see [`Footprint`].
            #[allow(unused_variables, reason = "a footprint names only the parts of the key it depends on")]
            pub fn footprint(&self) -> Footprint {
                match self {
                    $( Read::$file_variant(path) => Footprint::File(path.clone()), )*
                    $( Read::$variant $( ( $($key),+ ) )? => $footprint, )*
                }
            }

            /// Every read of one file's query, keyed by `path`: what the
            /// footprint test checks of every file, whatever renders read.
            #[cfg(test)]
            pub fn each_of_file(path: &str) -> Vec<Read> {
                vec![$( Read::$file_variant(path.to_owned()), )*]
            }
        }

        /// A read as `qsite explain` names it: the query and its key.
        impl std::fmt::Display for Read {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    $( Read::$file_variant(path) => write!(formatter, "{}({path})", stringify!($accessor)), )*
                    $( Read::$variant $( ( $($key),+ ) )? => write!(formatter, "{}", $name), )*
                }
            }
        }

        /// The stable hash of the value `read` names, computed now; a file
        /// key that names no file hashes as absent.
        #[allow(unused_variables, reason = "a value reads only the parts of the key it depends on")]
        pub(super) fn value_hash(db: &dyn Database, read: &Read) -> [u8; 32] {
            match read {
                $(
                    Read::$file_variant(path) => {
                        stable_hash(db, &$lookup(db, path).map(|file| $query(db, file)))
                    }
                )*
                $(
                    Read::$variant $( ( $($key),+ ) )? => {
                        let $db = db;
                        stable_hash(db, &$value)
                    }
                )*
            }
        }

        $(
            $(#[doc = $file_doc])*
            /// Recorded on the trace of the render in progress.
            pub fn $accessor(db: &dyn Database, file: SourceFile) -> $returns {
                record(db, Read::$file_variant(file.path(db).to_string()));
                $query(db, file)
            }
        )*
    };
}
