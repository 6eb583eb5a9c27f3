#pragma once
#include "layout/LayoutTypes.h"

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace netfold {

/// One Graphviz dot run over a small graph of fixed-size boxes (a chunk), in local numbering.
struct DotInput {
    LayoutOptions::Direction direction = LayoutOptions::Direction::TopToBottom;
    double nodeSep = 18;
    double rankSep = 22;
    /// Box sizes in points, one per node.
    std::vector<std::pair<double, double>> boxes;
    /// Nodes forced onto the first rank (alone) and onto the last rank (alone): the chunk's ports.
    std::vector<int> sources;
    std::vector<int> sinks;
    /// Nodes of the main path (Graphviz group): dot keeps the edges between them straight.
    std::vector<int> spine;
    /// Directed edges (local node indices); duplicates are allowed and laid out once.
    std::vector<std::pair<int, int>> edges;

    /// Canonical bytes of everything that affects the layout: the chunk's content key.
    std::string key() const;
};

/// Result of a dot run, in local coordinates (points, origin top left, y down).
struct DotOutput {
    /// Box centres, one per node.
    std::vector<LayoutPoint> centers;
    /// One Bézier point list (1 + 3k points) per input edge, from tail to head.
    std::vector<std::vector<LayoutPoint>> splines;
    double width = 0;
    double height = 0;
    /// Time spent inside Graphviz, in milliseconds.
    double ms = 0;
};

/// Runs dot on the input. Thread-safe: each calling thread gets its own GVC_t, but Graphviz 2.4x
/// also keeps layout state in file-level statics (mincross.c, ns.c, routespl.c ...), so the
/// Graphviz part of every call is serialised on graphvizMutex(). Throws Error when Graphviz fails.
DotOutput runDot(const DotInput& input);

/// runDot without the lock, for a forked worker process (single-threaded, its own copy of
/// Graphviz's state). Never call it in a process with other threads using Graphviz.
DotOutput runDotInForkedChild(const DotInput& input);

/// Sets up the calling thread's Graphviz state so that a child forked next can run dot without
/// initialising anything; call it holding graphvizMutex(), right before fork().
void prepareGraphvizForFork();

/// A DotOutput as bytes (for worker processes) and back; read returns false on malformed input.
void appendDotOutput(std::string& bytes, const DotOutput& out);
bool readDotOutput(const char*& p, const char* end, DotOutput& out);

/// The lock every use of Graphviz in the process must hold.
std::mutex& graphvizMutex();

/// Loads Graphviz's plugins with a tiny layout (the first layout of a process pays ~50 ms for it).
void warmUpGraphviz();

/// Number of GVC_t contexts created so far (one per thread that ran dot; for tests).
int graphvizContextCount();

} // namespace netfold
