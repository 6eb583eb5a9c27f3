// bench_step: stepping through the passes in the side-by-side view, as a user does with F10,
// Shift+F10 and F10 again, in the real main window.
//   bench_step MODEL.onnx [--size WxH] [--max-steps N] [--no-cache]
// For every step it prints how long the pass took (compute) and how long until both sides were
// laid out and painted again (redraw); then the same for Back over every step and for Step again
// (redo: the steps are computed already, so it is redraw only). Ends with median and worst.
// Each step also says how many chunks of the right side Graphviz laid out afresh; --no-cache
// turns chunk reuse off, so every chunk of a changed side goes through dot.
#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "SimplifySession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace netfold;

namespace {

/// Runs the event loop until done() holds; false after timeoutMs.
template <class F>
bool waitFor(F done, int timeoutMs = 600000)
{
    QElapsedTimer t;
    t.start();
    QTimer tick; // wakes the loop while workers run
    tick.start(1);
    while (!done()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

bool painted(CompareView* c)
{
    for (GraphView* v : {c->leftView(), c->rightView()})
        if (!v->graphScene()->isLayoutComplete() || !v->hasPaintedLayout())
            return false;
    return true;
}

struct Series {
    const char* name;
    std::vector<double> ms;
    void print() const
    {
        if (ms.empty())
            return;
        std::vector<double> s = ms;
        std::sort(s.begin(), s.end());
        std::printf("  %-28s %3zu steps: median %7.1f ms, worst %7.1f ms\n", name, s.size(), s[s.size() / 2], s.back());
    }
};

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_step MODEL.onnx [--size WxH] [--max-steps N]\n");
        return 2;
    }
    int w = 1600, h = 1000, maxSteps = 1000;
    bool cache = true;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--size") && i + 1 < argc)
            std::sscanf(argv[++i], "%dx%d", &w, &h);
        else if (!std::strcmp(argv[i], "--max-steps") && i + 1 < argc)
            maxSteps = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--no-cache"))
            cache = false;
    }
    MainWindow window;
    window.resize(w, h);
    window.show();
    QElapsedTimer clock;
    clock.start();
    if (!window.openFile(QString::fromLocal8Bit(argv[1]))) {
        std::fprintf(stderr, "bench_step: %s\n", qPrintable(window.lastError()));
        return 1;
    }
    if (!waitFor([&] { return window.graphScene()->isLayoutComplete() && window.graphView()->hasPaintedLayout(); })) {
        std::fprintf(stderr, "bench_step: the first layout did not finish.\n");
        return 1;
    }
    std::printf("%s: %zu nodes, opened and painted in %.0f ms\n", argv[1], window.model()->graph.nodes.size(),
                clock.nsecsElapsed() / 1e6);
    SimplifySession* session = window.session();
    CompareView* compare = window.compareView();
    // The session commits a worker's copy of the pipeline after each step: ask for it each time.
    auto pipeline = [session] { return session->pipeline(); };
    for (GraphView* v : {compare->leftView(), compare->rightView()}) {
        auto o = v->graphScene()->options();
        o.layoutCache = cache;
        v->graphScene()->setOptions(o);
    }
    // What the right side shows must be the session's current model, every drawn node an item.
    auto check = [&] {
        GraphScene* right = compare->rightView()->graphScene();
        const auto after = session->after();
        if (right->graph().get() != &after->graph || int(right->layoutGraph().nodes.size()) != right->nodeItems().size()) {
            std::fprintf(stderr, "bench_step: the right side does not show the current model.\n");
            std::exit(1);
        }
        const auto& chunks = right->layoutResult().chunks;
        const auto fresh = std::count_if(chunks.begin(), chunks.end(), [](const LayoutChunk& c) { return !c.cached; });
        return std::to_string(fresh) + "/" + std::to_string(chunks.size());
    };

    // Times one user action: until the session is idle (compute), then until both sides are
    // laid out and painted (redraw).
    auto measure = [&](auto action, double* compute, double* redraw) {
        QElapsedTimer t;
        t.start();
        action();
        if (!waitFor([&] { return !session->busy(); }))
            return false;
        *compute = t.nsecsElapsed() / 1e6;
        if (!waitFor([&] { return painted(compare); }))
            return false;
        *redraw = t.nsecsElapsed() / 1e6 - *compute;
        return true;
    };

    Series stepCompute{"Step (pass compute)", {}}, stepRedraw{"Step (redraw)", {}}, stepTotal{"Step (total)", {}};
    Series backTotal{"Back (total)", {}}, redoTotal{"Step again (redo, total)", {}};
    std::printf("Step (F10) until the fixed point:\n");
    while (!pipeline()->atFixedPoint() && int(pipeline()->position()) < maxSteps) {
        const std::size_t before = pipeline()->position();
        double c = 0, r = 0;
        if (!measure([&] { session->step(); }, &c, &r)) {
            std::fprintf(stderr, "bench_step: a step did not finish.\n");
            return 1;
        }
        if (pipeline()->position() == before)
            break; // the pass sweep ended without a change: fixed point
        const Step& s = pipeline()->steps()[pipeline()->position() - 1];
        const std::string fresh = check();
        std::printf("  %3zu %-34s compute %6.1f ms  redraw %6.1f ms  total %6.1f ms  (%zu nodes, %zu removed, "
                    "%s chunks laid out)\n",
                    pipeline()->position(), s.pass.c_str(), c, r, c + r, s.after->graph.nodes.size(), s.changes.removed.size(),
                    fresh.c_str());
        stepCompute.ms.push_back(c);
        stepRedraw.ms.push_back(r);
        stepTotal.ms.push_back(c + r);
    }
    const std::size_t last = pipeline()->position();
    std::printf("Back (Shift+F10) to the original:\n");
    while (pipeline()->position() > 0) {
        double c = 0, r = 0;
        if (!measure([&] { session->back(); }, &c, &r))
            return 1;
        std::printf("  %3zu  total %7.1f ms  (%s chunks laid out)\n", pipeline()->position(), c + r, check().c_str());
        backTotal.ms.push_back(c + r);
    }
    std::printf("Step (F10) again over computed steps:\n");
    while (pipeline()->position() < last) {
        double c = 0, r = 0;
        if (!measure([&] { session->step(); }, &c, &r))
            return 1;
        std::printf("  %3zu  total %7.1f ms  (%s chunks laid out)\n", pipeline()->position(), c + r, check().c_str());
        redoTotal.ms.push_back(c + r);
    }
    std::printf("Summary (%dx%d window):\n", w, h);
    for (const Series* s : {&stepCompute, &stepRedraw, &stepTotal, &backTotal, &redoTotal})
        s->print();
    return 0;
}
