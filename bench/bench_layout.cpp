// bench_layout: load -> drawable graph -> chunked Graphviz layout, without Qt.
//   bench_layout MODEL.onnx [--runs N] [--threads N] [--no-cache] [--lr] [--whole]
// Node sizes are estimated from character counts (the app measures them with the real font).
#include "layout/LayoutEngine.h"
#include "layout/LayoutGraph.h"
#include "model/ModelIO.h"
#include "shape/ShapeInference.h"

#include <chrono>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace netfold;
using Clock = std::chrono::steady_clock;

static double ms(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

static std::size_t glyphs(const std::string& s)
{
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_layout MODEL.onnx [--runs N] [--threads N] [--no-cache] [--lr] [--whole]\n");
        return 2;
    }
    int runs = 1;
    std::string svg;
    LayoutOptions opt;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc)
            runs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            opt.threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-cache"))
            opt.cache = false;
        else if (!std::strcmp(argv[i], "--lr"))
            opt.direction = LayoutOptions::Direction::LeftToRight;
        else if (!std::strcmp(argv[i], "--svg") && i + 1 < argc)
            svg = argv[++i];
        else if (!std::strcmp(argv[i], "--whole"))
            opt.chunkThreshold = 1 << 30;
    }
    auto t0 = Clock::now();
    Model model = loadModel(argv[1]);
    const double readMs = ms(t0);
    t0 = Clock::now();
    inferShapes(model);
    const double inferMs = ms(t0);
    t0 = Clock::now();
    LayoutGraphOptions gopt;
    gopt.opset = model.opsetVersion("");
    LayoutGraph lg = buildLayoutGraph(model.graph, gopt);
    for (LayoutNode& n : lg.nodes) {
        std::size_t w = glyphs(n.title);
        for (const NodeRow& r : n.rows)
            w = std::max(w, glyphs(r.label) + glyphs(r.text) + 1);
        n.width = 16.0 + 7.0 * static_cast<double>(w);
        n.height = 22.0 + 15.0 * static_cast<double>(n.rows.size());
    }
    const double buildMs = ms(t0);
    std::printf("%s: %zu nodes, %zu drawn nodes, %zu edges; load %.0f ms (read %.0f, shape inference %.0f), "
                "build %.1f ms\n",
                argv[1], model.graph.nodes.size(), lg.nodes.size(), lg.edges.size(), readMs + inferMs, readMs, inferMs,
                buildMs);
    for (int r = 0; r < runs; ++r) {
        LayoutResult res = layoutGraph(lg, opt);
        std::printf("run %d: layout %.0f ms (plan %.1f ms, dot %.0f ms), %d chunks (largest %d nodes), %d cache hits, "
                    "%d stubbed edges, %.0f x %.0f pt%s\n",
                    r + 1, res.stats.totalMs, res.stats.planMs, res.stats.dotMs, res.stats.chunks,
                    res.stats.maxChunkNodes, res.stats.cacheHits, res.stats.stubbedEdges, res.bounds.w, res.bounds.h,
                    res.error.empty() ? "" : (" ERROR " + res.error).c_str());
        if (!svg.empty() && r == runs - 1) {
            // A plain drawing of the result, for eyeballing the layout without the app.
            std::ofstream f(svg);
            f << "<svg xmlns='http://www.w3.org/2000/svg' viewBox='" << res.bounds.x - 10 << ' ' << res.bounds.y - 10
              << ' ' << res.bounds.w + 20 << ' ' << res.bounds.h + 20 << "' font-family='sans-serif' font-size='10'>\n";
            for (const LayoutChunk& c : res.chunks)
                f << "<rect x='" << c.bounds.x << "' y='" << c.bounds.y << "' width='" << c.bounds.w << "' height='"
                  << c.bounds.h << "' fill='none' stroke='#ccc' stroke-dasharray='4'/>\n";
            for (const EdgeGeometry& e : res.edges)
                for (const auto& p : e.pieces) {
                    if (p.empty())
                        continue;
                    f << "<path fill='none' stroke='#555' d='M" << p[0].x << ',' << p[0].y;
                    for (std::size_t k = 1; k + 2 < p.size(); k += 3)
                        f << " C" << p[k].x << ',' << p[k].y << ' ' << p[k + 1].x << ',' << p[k + 1].y << ' '
                          << p[k + 2].x << ',' << p[k + 2].y;
                    f << "'/>\n";
                }
            for (std::size_t i = 0; i < res.nodes.size(); ++i) {
                const LayoutRect& b = res.nodes[i];
                f << "<rect x='" << b.x << "' y='" << b.y << "' width='" << b.w << "' height='" << b.h
                  << "' rx='4' fill='#eef' stroke='#336'/><text x='" << b.x + 4 << "' y='" << b.y + 13 << "'>"
                  << lg.nodes[i].title << "</text>\n";
            }
            for (const LayoutStub& s : res.stubs)
                f << "<rect x='" << s.box.x << "' y='" << s.box.y << "' width='" << s.box.w << "' height='" << s.box.h
                  << "' rx='8' fill='#ffd' stroke='#a80'/>\n";
            f << "</svg>\n";
        }
    }
    return 0;
}
