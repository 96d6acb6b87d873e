#pragma once
/// Where checkpoints live, and how a new one replaces the last without a moment in which no
/// complete checkpoint exists. A checkpoint is a directory holding the marker file
/// `NORN_CHECKPOINT` (written first, so even a half-written one is recognizably Norn's),
/// `params/`, `optimizer/`, `trainer.json` and, written last, `manifest.json`: every other
/// file with its size and CRC-32, checked before anything is loaded. Norn removes or
/// replaces only directories that carry the marker; anything else at a checkpoint path is
/// refused.

#include <filesystem>

namespace norn {

/// Whether `dir` is a directory Norn wrote as a checkpoint (complete or not).
bool is_checkpoint(const std::filesystem::path& dir);

/// Before a run that writes checkpoints to `dir`: bad_input when `dir` or `dir.old` exists
/// and is not a Norn checkpoint; removes the temporaries (`dir.tmp.*`) of killed runs.
void prepare_checkpoint_path(const std::filesystem::path& dir);

/// A fresh temporary directory for the next checkpoint of `dir`, with its marker.
std::filesystem::path begin_checkpoint(const std::filesystem::path& dir);

/// Seals `fresh` (from begin_checkpoint, every file written) with its manifest and makes it
/// the checkpoint at `dir`. Either
/// `dir` or `dir.old` holds a complete checkpoint at every moment, and the older one is
/// removed only once `dir` holds the new one.
void commit_checkpoint(const std::filesystem::path& fresh, const std::filesystem::path& dir);

/// The complete checkpoint to resume from, its files checked against its manifest: `dir`,
/// or `dir.old` when a run was killed between its two renames; bad_input when neither is a
/// complete checkpoint or a file differs from what was saved.
std::filesystem::path checkpoint_to_resume(const std::filesystem::path& dir);

/// Test hook: with NORN_FAULT=<site>:<k> in the environment, the process raises `signal`
/// (default SIGKILL: it dies there) the k-th time it reaches a fault point of `site`
/// (counted from 1).
void fault_point(const char* site, int signal = 9);

}  // namespace norn
