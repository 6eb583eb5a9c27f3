// bench_paint: open-to-laid-out time and frame times of the graph view (Qt, offscreen or X11).
//   bench_paint MODEL.onnx [--frames N] [--size WxH] [--no-cache] [--no-groups]
// Prints: load, drawable graph + layout + items until complete, then the mean and worst time to
// repaint the whole viewport at fit-to-window, at 100% zoom and at 25% zoom.
#include "GraphScene.h"
#include "GraphView.h"
#include "model/ModelIO.h"
#include "shape/Open.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>

#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace netfold;

static void frames(GraphView& view, int n, const char* what)
{
    QApplication::processEvents();
    view.viewport()->repaint(); // warm-up (builds the overview caches)
    std::vector<double> ms;
    QElapsedTimer t;
    for (int i = 0; i < n; ++i) {
        t.start();
        view.viewport()->repaint();
        ms.push_back(t.nsecsElapsed() / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms)
        sum += v;
    std::printf("  %-22s zoom %7.4f: mean %6.2f ms, median %6.2f ms, worst %6.2f ms per frame\n", what, view.zoom(),
                sum / n, ms[ms.size() / 2], ms.back());
}

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_paint MODEL.onnx [--frames N] [--size WxH] [--no-cache] [--no-groups]\n");
        return 2;
    }
    int n = 30;
    int w = 1600, h = 1000;
    bool cache = true;
    bool groups = true;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--frames") && i + 1 < argc)
            n = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc)
            std::sscanf(argv[++i], "%dx%d", &w, &h);
        else if (!std::strcmp(argv[i], "--no-cache"))
            cache = false;
        else if (!std::strcmp(argv[i], "--no-groups"))
            groups = false;
    }
    QElapsedTimer clock;
    clock.start();
    auto model = std::make_shared<Model>(openModel(argv[1]));
    const double loadMs = clock.nsecsElapsed() / 1e6;
    GraphView view;
    view.resize(w, h);
    view.show();
    GraphScene* scene = view.graphScene();
    auto o = scene->options();
    o.layoutCache = cache;
    o.groups = groups;
    scene->setOptions(o);
    clock.start();
    scene->setGraph(std::shared_ptr<const Graph>(model, &model->graph), model->opsetVersion(""));
    if (!scene->waitForLayout(600000)) {
        std::fprintf(stderr, "bench_paint: layout did not finish.\n");
        return 1;
    }
    const double layoutMs = clock.nsecsElapsed() / 1e6;
    std::printf("%s: %zu nodes; load %.0f ms; graph -> all items %.0f ms (%d chunks, %d node items, %d edge items)\n",
                argv[1], model->graph.nodes.size(), loadMs, layoutMs, scene->chunkCount(), int(scene->nodeItems().size()),
                int(scene->edgeItems().size()));
    view.fitAll();
    frames(view, n, "fit to window");
    view.setZoom(0.25);
    view.centerOn(scene->sceneRect().center());
    frames(view, n, "25%");
    view.setZoom(1.0);
    view.centerOn(scene->sceneRect().center());
    frames(view, n, "100%");
    return 0;
}
