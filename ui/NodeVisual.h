#pragma once
#include "layout/LayoutGraph.h"

#include <QString>
#include <QVector>

namespace netfold {

/// What a node box shows, with its text measured in the view's fonts (pixels at 100% zoom).
/// Built once per drawn node by GraphScene; items read it, they never point into the IR.
struct NodeVisual {
    struct Row {
        QString label;
        QString text;
        /// The inlined Constant shown on this row (kNoNode for initializers and attributes).
        NodeId constant = kNoNode;
        /// The value an initializer or constant row reads, else empty.
        QString value;
        /// The graph attribute this row stands for (If/Loop/Scan bodies), else empty.
        QString subgraph;
        qreal labelWidth = 0;
    };
    LayoutNodeKind kind = LayoutNodeKind::Op;
    NodeId id = kNoNode;
    QString title;
    qreal titleWidth = 0;
    QVector<Row> rows;
    int category = 0;
    qreal width = 0;
    qreal height = 0;
};

} // namespace netfold
