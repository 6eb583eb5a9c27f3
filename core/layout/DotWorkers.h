#pragma once
// Forked Graphviz worker processes. Graphviz cannot run twice in one process, but it can in
// two: a worker inherits the plan, lays out its share of the jobs and streams the results back
// through a pipe, one frame per job: int32 job, uint32 byte count, the serialised DotOutput.
// Internal to core/layout.
#include "layout/DotLayout.h"

#include <functional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netfold::dotworkers {

/// Appends one frame (job, then the DotOutput) to bytes.
void appendFrame(std::string& bytes, int job, const DotOutput& out);

/// Reassembles frames from a byte stream that arrives in arbitrary pieces.
class FrameReader {
public:
    /// Adds bytes; calls onJob for every complete frame (malformed payloads are skipped).
    void feed(const char* data, std::size_t size, const std::function<void(int, DotOutput&&)>& onJob);
    /// Bytes of an incomplete frame still waiting for the rest.
    std::size_t pending() const { return buffer_.size(); }

private:
    std::string buffer_;
};

struct ChildWorker {
    pid_t pid = -1;
    int fd = -1;
    std::vector<int> jobs;
};

/// Forks a process that lays out the given jobs and writes their frames to a pipe. Returns
/// pid -1 when fork fails (the caller then runs the jobs itself).
ChildWorker forkWorker(const std::vector<int>& jobs, const std::function<const DotInput&(int)>& input);

/// Reads a worker's frames until it closes the pipe (or cancel() says stop: the worker is
/// killed).
void readWorker(ChildWorker& w, const std::function<void(int, DotOutput&&)>& onJob, const std::function<bool()>& cancel);

/// Waits for the worker to exit (killing it first when kill is set).
void reapWorker(ChildWorker& w, bool kill);

} // namespace netfold::dotworkers
