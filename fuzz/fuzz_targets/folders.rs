//! qsite's own writing and pruning on an output folder laid out from the
//! input (see `qsite::folder_fuzzing`): files, folders, links out of it and
//! into it, FIFOs, and manifests that are files, links or FIFOs. Nothing
//! outside the output folder changes, no link is written or deleted
//! through, no FIFO is read or written, and nothing panics.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|blob: &[u8]| qsite::folder_fuzzing::run(blob));
