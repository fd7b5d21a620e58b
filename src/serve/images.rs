//! Resized images as `qsite serve` answers them: encoded on first request
//! from the source bytes the database holds, the way a build encodes them
//! ([`Request::encode`]), and kept in memory while the site still asks for
//! them from the same source.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use queries::{QueryDb, bytes_of, content_hash, file_at};

use crate::processed_images::{Encoded, Request};
use crate::serve::shared::SharedDb;

/// One encoded image and the hash of the source it was encoded from.
struct Kept {
    hash: [u8; 32],
    bytes: Arc<[u8]>,
}

/// The images encoded so far, by output path.
#[derive(Default)]
pub struct ServedImages(Mutex<HashMap<String, Kept>>);

impl ServedImages {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Kept>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The image `request` asks for, from the source whose contents hash to
    /// `hash`: kept from an earlier request, or encoded now. The source's
    /// bytes are read on one revision and encoded after, so no database
    /// clone is held while encoding. An error when the source cannot be
    /// decoded, or changed since `hash` was taken.
    pub fn image(&self, db: &SharedDb, request: &Request, hash: [u8; 32]) -> Encoded {
        let output = request.output();
        if let Some(kept) = self.lock().get(&output)
            && kept.hash == hash
        {
            return Ok(Arc::clone(&kept.bytes));
        }
        let source =
            db.read(|db| source_hash(db, request).filter(|current| *current == hash).and(source_bytes(db, request)));
        let encoded = request.encode(source.as_deref())?;
        self.lock().insert(output, Kept { hash, bytes: Arc::clone(&encoded) });
        Ok(encoded)
    }

    /// Forgets the images no output asks for any more, and those encoded
    /// from a source that has changed since.
    pub fn keep_wanted(&self, db: &QueryDb, wanted: &BTreeMap<String, &Request>) {
        self.lock().retain(|output, kept| {
            wanted.get(output).is_some_and(|request| source_hash(db, request) == Some(kept.hash))
        });
    }
}

/// The hash of the contents of `request`'s source, if the site has it.
pub fn source_hash(db: &QueryDb, request: &Request) -> Option<[u8; 32]> {
    file_at(db, request.source()).map(|file| content_hash(db, file))
}

fn source_bytes(db: &QueryDb, request: &Request) -> Option<Arc<[u8]>> {
    file_at(db, request.source()).and_then(|file| bytes_of(db, file))
}
