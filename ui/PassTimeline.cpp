#include "PassTimeline.h"

#include "FlowLayout.h"

#include "SimplifySession.h"
#include "UiText.h"

#include "diff/Report.h"
#include "util/Error.h"
#include "model/ModelSummary.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <cstdlib>
#include <functional>
#include <set>
#include <unordered_map>

namespace netfold {

std::vector<std::pair<std::string, std::vector<int64_t>>> parseShapeOverrides(const QString& text)
{
    std::vector<std::pair<std::string, std::vector<int64_t>>> out;
    for (const QString& part : text.split(';', Qt::SkipEmptyParts)) {
        const QString item = part.trimmed();
        const int colon = item.lastIndexOf(':');
        if (colon <= 0)
            throw Error("Bad input shape " + quote(item.toStdString()) + "; use NAME:D,D,... e.g. input0:1,3,224,224.");
        std::vector<int64_t> dims;
        for (const QString& d : item.mid(colon + 1).split(',', Qt::SkipEmptyParts)) {
            bool ok = false;
            const qlonglong v = d.trimmed().toLongLong(&ok);
            if (!ok)
                throw Error("Bad dim " + quote(d.toStdString()) + " in input shape " + quote(item.toStdString()) + ".");
            dims.push_back(v);
        }
        out.emplace_back(item.left(colon).trimmed().toStdString(), dims);
    }
    return out;
}

PassTimeline::PassTimeline(SimplifySession* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(buildActions());
    // The items say what they do (no label beside them): the box fits a narrow dock, where its
    // text is cut short rather than the dock scrolling sideways.
    m_scope = new QComboBox(this);
    m_scope->setObjectName("highlightScope");
    m_scope->addItems({tr("Highlight this step"), tr("Highlight all steps so far")});
    m_scope->setCurrentIndex(1);
    m_scope->setToolTip(tr("Which changes the compare view highlights"));
    m_scope->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_scope->setMinimumContentsLength(8);
    connect(m_scope, &QComboBox::currentIndexChanged, this, [this](int i) { emit cumulativeChanged(i == 1); });
    layout->addWidget(m_scope);

    m_status = new QLabel(this);
    m_status->setObjectName("timelineStatus");
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0);
    m_progress->setVisible(false);
    layout->addWidget(m_progress);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->setObjectName("timelineSplitter");
    buildStepList(split);
    buildPassList(split);
    m_details = new QTextBrowser(split);
    m_details->setObjectName("passDetails");
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 3);
    split->setStretchFactor(2, 2);
    layout->addWidget(split, 1);
    layout->addWidget(buildOptions());
    connectSession();
    refresh();
}

QLayout* PassTimeline::buildActions()
{
    m_step = new QAction(tr("Step"), this);
    m_step->setShortcut(Qt::Key_F10);
    m_step->setToolTip(tr("Run the next pass that changes the model (F10)"));
    m_back = new QAction(tr("Back"), this);
    m_back->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F10));
    m_back->setToolTip(tr("Undo the last step (Shift+F10)"));
    m_run = new QAction(tr("Run to end"), this);
    m_run->setShortcut(Qt::Key_F5);
    m_run->setToolTip(tr("Run until nothing changes (F5)"));
    m_reset = new QAction(tr("Reset"), this);
    m_reset->setToolTip(tr("Back to the original model"));
    m_cancel = new QAction(tr("Cancel"), this);
    m_cancel->setShortcut(Qt::Key_Escape); // only while a step runs: disabled, Esc goes on to the views
    m_cancel->setToolTip(tr("Stop the step in progress (Esc)"));
    m_cancel->setEnabled(false);
    connect(m_step, &QAction::triggered, m_session, &SimplifySession::step);
    connect(m_back, &QAction::triggered, m_session, &SimplifySession::back);
    connect(m_run, &QAction::triggered, m_session, &SimplifySession::runToEnd);
    connect(m_reset, &QAction::triggered, m_session, &SimplifySession::reset);
    connect(m_cancel, &QAction::triggered, m_session, &SimplifySession::cancel);

    // The buttons wrap onto a second row in a narrow dock rather than run off its edge.
    auto* buttons = new FlowLayout;
    for (QAction* a : {m_back, m_step, m_run, m_reset, m_cancel}) {
        auto* b = new QToolButton(this);
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        buttons->addWidget(b);
    }
    return buttons;
}

void PassTimeline::buildStepList(QSplitter* split)
{
    m_steps = new QTreeWidget(split);
    m_steps->setObjectName("stepList");
    // Numbers take what they need, the pass name the rest (elided in the middle: the ends of
    // eliminate_..._initializer tell the passes apart).
    m_steps->setHeaderLabels({tr("#"), tr("Pass"), tr("\u2212"), tr("+"), tr("Const"), tr("Nodes"), tr("Size")});
    m_steps->headerItem()->setToolTip(2, tr("Nodes removed"));
    m_steps->headerItem()->setToolTip(3, tr("Nodes added"));
    m_steps->headerItem()->setToolTip(4, tr("Constants created"));
    m_steps->headerItem()->setToolTip(5, tr("Nodes after the step; in brackets with the nodes in If/Loop/Scan bodies"));
    m_steps->headerItem()->setToolTip(6, tr("Change of the initializers' size"));
    m_steps->setRootIsDecorated(false);
    m_steps->setAlternatingRowColors(true);
    m_steps->setTextElideMode(Qt::ElideMiddle);
    m_steps->setUniformRowHeights(true);
    m_steps->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The pass names read whole (the dock scrolls sideways when it is narrow).
    m_steps->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_steps->header()->setStretchLastSection(true);
    connect(m_steps, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        const int index = item->data(0, Qt::UserRole).toInt();
        showStepDetails(item);
        // Moving rebuilds this list: not inside the click on one of its items.
        QMetaObject::invokeMethod(
            this,
            [this, index] {
                m_session->goTo(index + 1);
                emit stepActivated(index);
            },
            Qt::QueuedConnection);
    });
}

void PassTimeline::buildPassList(QSplitter* split)
{
    m_passes = new QTreeWidget(split);
    m_passes->setObjectName("passList");
    m_passes->setHeaderLabels({tr("Pass"), tr("Steps")});
    m_passes->setRootIsDecorated(false);
    m_passes->setTextElideMode(Qt::ElideMiddle);
    m_passes->setUniformRowHeights(true);
    m_passes->header()->setStretchLastSection(false);
    m_passes->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_passes->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    connect(m_passes, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem* item) {
        if (!m_filling)
            m_session->setPassEnabled(item->text(0), item->checkState(0) == Qt::Checked);
    });
    connect(m_passes, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* item) { showPassDescription(item); });
}

QGroupBox* PassTimeline::buildOptions()
{
    auto* options = new QGroupBox(tr("Options"), this);
    auto* form = new QFormLayout(options);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows); // labels above their fields when narrow
    m_sizeLimit = new QDoubleSpinBox(options);
    m_sizeLimit->setObjectName("sizeLimit");
    m_sizeLimit->setRange(0.001, 4096);
    m_sizeLimit->setDecimals(3);
    m_sizeLimit->setValue(double(kDefaultSizeLimit) / (1024 * 1024));
    m_sizeLimit->setSuffix(" MB");
    m_sizeLimit->setToolTip(tr("Tile, Expand, ConstantOfShape and Range outputs larger than this are not folded, nor "
                               "other ops' outputs larger than this and 8x their inputs"));
    form->addRow(tr("Size limit"), m_sizeLimit);
    m_shapes = new QLineEdit(options);
    m_shapes->setToolTip(tr("Fix input shapes before simplifying (like onnxsim --overwrite-input-shape); separate inputs with ';'"));
    form->addRow(tr("Input shapes"), m_shapes);
    m_skipBn = new QCheckBox(tr("Skip BN fusion"), options);
    m_skipBn->setToolTip(tr("Keep BatchNormalization nodes rather than fuse them into the Conv before them "
                            "(like onnxsim --skip-fuse-bn)"));
    m_skipBn->setObjectName("skipFuseBn");
    form->addRow(m_skipBn);
    auto* apply = new QPushButton(tr("Apply options"), options);
    connect(apply, &QPushButton::clicked, this, &PassTimeline::applyOptions);
    form->addRow(apply);
    return options;

}

void PassTimeline::connectSession()
{
    connect(m_session, &SimplifySession::changed, this, &PassTimeline::refresh);
    connect(m_session, &SimplifySession::busyChanged, this, [this](bool busy) {
        m_progress->setVisible(busy);
        m_cancel->setEnabled(busy);
        if (busy) {
            m_notice.clear();
            m_status->setText(tr("Running... Cancel stops the step in progress."));
        }
        for (QAction* a : {m_step, m_back, m_run, m_reset})
            a->setEnabled(!busy && m_session->hasModel());
    });
    connect(m_session, &SimplifySession::progress, this, [this](int steps, const QString& pass) {
        m_status->setText(tr("Running... step %1: %2").arg(steps).arg(pass));
    });
    connect(m_session, &SimplifySession::failed, this, [this](const QString& e) {
        m_notice = e;
        m_noticeGeneration = m_session->generation();
        m_status->setText(e);
    });
}

QSize PassTimeline::sizeHint() const
{
    const QFontMetrics fm(font());
    return {fm.horizontalAdvance(QStringLiteral("fuse_consecutive_reduce_unsqueeze")) + fm.horizontalAdvance('0') * 26,
            QWidget::sizeHint().height()};
}

bool PassTimeline::cumulative() const { return m_scope->currentIndex() == 1; }

PipelineOptions PassTimeline::options() const
{
    PipelineOptions o = m_session->pipeline() ? m_session->pipeline()->options() : PipelineOptions{};
    o.pass.sizeLimit = static_cast<std::size_t>(m_sizeLimit->value() * 1024 * 1024);
    if (m_skipBn->isChecked())
        o.skip.insert("fuse_bn_into_conv");
    else
        o.skip.erase("fuse_bn_into_conv");
    return o;
}

double PassTimeline::sizeLimitMB() const { return m_sizeLimit->value(); }

bool PassTimeline::skipFuseBn() const { return m_skipBn->isChecked(); }

void PassTimeline::setCumulative(bool cumulative) { m_scope->setCurrentIndex(cumulative ? 1 : 0); }

PipelineOptions PassTimeline::newModelOptions() const
{
    PipelineOptions o;
    o.pass.sizeLimit = static_cast<std::size_t>(m_sizeLimit->value() * 1024 * 1024);
    if (m_skipBn->isChecked())
        o.skip.insert("fuse_bn_into_conv");
    return o;
}

void PassTimeline::restoreOptions(double sizeLimitMB, bool skipFuseBn)
{
    m_sizeLimit->setValue(sizeLimitMB);
    m_skipBn->setChecked(skipFuseBn);
    m_applied = true;
}

void PassTimeline::applyOptions()
{
    m_applied = true;
    m_session->setOptions(options());
    if (!m_shapes->text().trimmed().isEmpty() && m_session->pipeline()) {
        try {
            Model m = m_session->pipeline()->original();
            overwriteInputShapes(m, parseShapeOverrides(m_shapes->text()));
            m_session->setModel(std::make_shared<const Model>(std::move(m)), options());
        } catch (const std::exception& e) {
            m_status->setText(QString::fromStdString(e.what()));
        }
    }
}

void PassTimeline::fillPasses()
{
    m_filling = true;
    const Pipeline* p = m_session->pipeline();
    std::map<std::string, int> stepsByPass;
    if (p)
        for (std::size_t i = 0; i < p->position(); ++i)
            ++stepsByPass[p->steps()[i].pass];
    if (!p) {
        m_passes->clear();
    } else {
        if (m_passes->topLevelItemCount() != static_cast<int>(p->passes().size())) {
            m_passes->clear();
            for (const auto& e : p->passes()) {
                const PassInfo info = e.pass->info();
                auto* item = new QTreeWidgetItem(m_passes, {QString::fromStdString(info.name), QString()});
                item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                item->setToolTip(0, QString::fromStdString(info.summary + "\n\n" + info.description));
                item->setData(0, Qt::UserRole, QString::fromStdString(info.description));
                item->setData(1, Qt::UserRole, QString::fromStdString(info.summary));
            }
        }
        for (std::size_t i = 0; i < p->passes().size(); ++i) {
            auto* item = m_passes->topLevelItem(static_cast<int>(i));
            const std::string name = p->passes()[i].pass->info().name;
            item->setText(0, QString::fromStdString(name));
            item->setCheckState(0, p->passes()[i].enabled ? Qt::Checked : Qt::Unchecked);
            auto it = stepsByPass.find(name);
            item->setText(1, it == stepsByPass.end() ? QString() : QString::number(it->second));
        }
    }
    m_filling = false;
}

void PassTimeline::refresh()
{
    fillPasses();
    m_steps->clear();
    const Pipeline* p = m_session->pipeline();
    const bool have = p != nullptr;
    for (QAction* a : {m_step, m_back, m_run, m_reset})
        a->setEnabled(have && !m_session->busy());
    if (!p) {
        m_status->setText(tr("No model. Open one (File > Open, Ctrl+O) to simplify it step by step."));
        return;
    }
    // The example names the model's own inputs, with its static dims (1 for the others).
    QStringList example;
    const Graph& g = p->original().graph;
    for (const auto& in : g.inputs) {
        if (g.findInitializer(in.name))
            continue;
        QStringList dims;
        for (const Dim& d : in.type.dims)
            dims << QString::number(d.known() ? d.value : 1);
        example << QString::fromStdString(in.name) + ":" + dims.join(',');
    }
    m_shapes->setPlaceholderText(example.join("; "));
    auto* origin = new QTreeWidgetItem(m_steps, {"0", tr("original"), "", "", "", nodeCountCell(g), ""});
    origin->setTextAlignment(0, Qt::AlignRight | Qt::AlignVCenter);
    origin->setTextAlignment(5, Qt::AlignRight | Qt::AlignVCenter);
    origin->setData(0, Qt::UserRole, -1);
    for (std::size_t i = 0; i < p->steps().size(); ++i) {
        const Step& s = p->steps()[i];
        const int64_t delta = static_cast<int64_t>(statsOf(*s.after).initializerBytes)
                              - static_cast<int64_t>(statsOf(*s.before).initializerBytes);
        const QString size = delta == 0 ? QString() : QString(delta > 0 ? "+" : "\u2212")
                                                          + QString::fromStdString(formatBytes(uint64_t(std::llabs(delta))));
        auto* item = new QTreeWidgetItem(
            m_steps, {QString::number(i + 1), QString::fromStdString(s.pass), QString::number(s.changes.removed.size()),
                      QString::number(s.changes.added.size()), QString::number(s.changes.constants.size()),
                      nodeCountCell(s.after->graph), size});
        for (int c : {0, 2, 3, 4, 5, 6})
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        item->setData(0, Qt::UserRole, static_cast<int>(i));
        const QString tip = QString::fromStdString(stepSummary(s)) + tr("\ninitializers %1 bytes").arg(delta);
        for (int c = 0; c < item->columnCount(); ++c)
            item->setToolTip(c, tip);
        if (i >= p->position()) {
            for (int c = 0; c < item->columnCount(); ++c)
                item->setForeground(c, QColor(150, 150, 150));
        }
    }
    QTreeWidgetItem* current = m_steps->topLevelItem(static_cast<int>(p->position()));
    if (current) {
        QFont f = current->font(1);
        f.setBold(true);
        for (int c = 0; c < current->columnCount(); ++c)
            current->setFont(c, f);
        m_steps->setCurrentItem(current);
        m_steps->scrollToItem(current);
        showStepDetails(current);
    }
    QString text = tr("Step %1 of %2: %3 -> %4")
                       .arg(p->position())
                       .arg(p->steps().size())
                       .arg(nodeCountText(p->original().graph), nodeCountText(p->current().graph));
    if (p->atFixedPoint()) {
        text += tr(" (fixed point)");
        // Why something foldable is still there, when a limit the user can raise is the answer.
        const auto limited = keptAtLimitList(*p);
        if (!limited.empty())
            text += tr(". %1 not folded at a limit (the size limit below, or the fold's time cap), such as %2; "
                       "the Inspector says why.")
                        .arg(limited.size() == 1 ? tr("1 node") : tr("%1 nodes").arg(limited.size()),
                             QString::fromStdString(quote(limited.front().node)));
    } else if (p->steps().empty())
        text = tr("Nothing run yet (%1). Press Step (F10) to run the next pass that changes the model, or Run to "
                  "end (F5).")
                   .arg(nodeCountText(p->original().graph));
    if (!m_notice.isEmpty() && m_noticeGeneration == m_session->generation())
        text = m_notice + "\n" + text;
    m_status->setText(text);
}

namespace {

/// A short text of a small constant: "[1, 64]", "3", "⟨64×3×3⟩" for big ones.
QString shortValue(const Tensor& t)
{
    QStringList dims;
    for (int64_t d : t.dims())
        dims << QString::number(d);
    if (t.numel() > 8)
        return QStringLiteral("\u27e8%1\u27e9").arg(dims.join(QChar(0x00d7)));
    QStringList values;
    try {
        for (int64_t i = 0; i < t.numel(); ++i)
            values << QString::number(t.at(i), 'g', 6);
    } catch (const std::exception&) {
        return QStringLiteral("\u27e8%1\u27e9").arg(dims.join(QChar(0x00d7)));
    }
    return t.dims().empty() && values.size() == 1 ? values.front() : "[" + values.join(", ") + "]";
}

} // namespace

QString PassTimeline::stepExample(const Step& s)
{
    // The first value the step folded, written as the expression of the nodes it came from, read
    // in the model before the step, and its value after: "Slice(Shape(x), [0], [2]) = [1, 64]".
    // Otherwise the first node it removed or added, as it reads.
    std::unordered_map<NodeId, const Node*> before;
    std::unordered_map<std::string, const Node*> producer;
    std::unordered_map<std::string, const Initializer*> inits;
    forEachGraph(s.before->graph, [&](const Graph& g) {
        for (const Node& n : g.nodes) {
            before[n.id] = &n;
            for (const std::string& o : n.outputs)
                producer[o] = &n;
        }
        for (const Initializer& i : g.initializers)
            inits[i.name] = &i;
    });
    std::set<NodeId> removed;
    for (const Removal& r : s.changes.removed)
        removed.insert(r.node);
    std::function<QString(const std::string&, int)> expr = [&](const std::string& value, int depth) -> QString {
        if (auto it = inits.find(value); it != inits.end() && it->second->tensor && it->second->tensor->numel() <= 8)
            return shortValue(*it->second->tensor);
        auto p = producer.find(value);
        if (p == producer.end() || depth > 4 || !removed.count(p->second->id))
            return QString::fromStdString(value);
        const Node& n = *p->second;
        if (n.opType == "Constant")
            if (TensorPtr t = n.attrTensor("value"))
                return shortValue(*t);
        QStringList args;
        for (const std::string& in : n.inputs)
            args << (in.empty() ? QStringLiteral("_") : expr(in, depth + 1));
        return QString::fromStdString(n.opType) + "(" + args.join(", ") + ")";
    };
    auto afterValue = [&](const std::string& value) -> QString {
        QString text;
        forEachGraph(s.after->graph, [&](const Graph& g) {
            if (const Initializer* i = g.findInitializer(value); i && i->tensor && text.isEmpty())
                text = shortValue(*i->tensor);
        });
        return text;
    };
    for (const NewConstant& c : s.changes.constants) {
        auto p = producer.find(c.value);
        if (p == producer.end() || p->second->opType == "Constant")
            continue;
        const QString value = afterValue(c.value);
        if (!value.isEmpty())
            return expr(c.value, 0) + " = " + value;
    }
    for (const Removal& r : s.changes.removed) {
        auto it = before.find(r.node);
        if (it == before.end())
            continue;
        const Node& n = *it->second;
        QString text = QString::fromStdString(n.outputs.empty() ? std::string() : n.outputs.front());
        QStringList args;
        for (const std::string& in : n.inputs)
            args << (in.empty() ? QStringLiteral("_") : expr(in, 1));
        text += " = " + QString::fromStdString(n.opType) + "(" + args.join(", ") + ")";
        if (!r.intoValue.empty()) {
            const QString value = afterValue(r.intoValue);
            text += QStringLiteral("  ->  ") + QString::fromStdString(r.intoValue) + (value.isEmpty() ? QString() : " = " + value);
        } else if (r.into != kNoNode) {
            text += QStringLiteral("  ->  ") + QString(fateName(r.fate)) + " into " + QString::fromStdString([&] {
                        const Node* into = nullptr;
                        forEachGraph(s.after->graph, [&](const Graph& g) {
                            if (!into)
                                into = g.findNode(r.into);
                        });
                        return into ? into->label() + " (" + into->opType + ")" : std::string("node ") + std::to_string(r.into);
                    }());
        } else {
            text += QStringLiteral("  ->  ") + QString(fateName(r.fate));
        }
        return text;
    }
    if (!s.changes.removedInitializers.empty())
        return tr("initializer %1 removed").arg(QString::fromStdString(s.changes.removedInitializers.front()));
    return {};
}

QString PassTimeline::detailsText() const { return m_details->toPlainText(); }

void PassTimeline::showPassDescription(QTreeWidgetItem* item)
{
    if (!item)
        return;
    m_details->setHtml("<b>" + item->text(0).toHtmlEscaped() + "</b><br>" + item->data(1, Qt::UserRole).toString().toHtmlEscaped()
                       + "<pre style=\"white-space: pre-wrap\">" + item->data(0, Qt::UserRole).toString().toHtmlEscaped() + "</pre>");
}

void PassTimeline::showStepDetails(QTreeWidgetItem* item)
{
    const Pipeline* p = m_session->pipeline();
    if (!item || !p)
        return;
    const int index = item->data(0, Qt::UserRole).toInt();
    if (index < 0 || index >= static_cast<int>(p->steps().size())) {
        m_details->setHtml(tr("<b>Original model</b>: %1.").arg(nodeCountText(p->original().graph)));
        return;
    }
    const Step& s = p->steps()[static_cast<std::size_t>(index)];
    QString html = "<b>" + QString::fromStdString(s.pass).toHtmlEscaped() + "</b> (round " + QString::number(s.round)
                   + ", " + QString::number(s.milliseconds, 'f', 1) + " ms)<br>";
    // This step on this model, next to the pass's generic example.
    if (const QString example = stepExample(s); !example.isEmpty())
        html += tr("<i>On this model:</i>") + "<pre style=\"white-space: pre-wrap\">" + example.toHtmlEscaped() + "</pre>";
    for (const auto& e : p->passes())
        if (e.pass->info().name == s.pass)
            html += tr("<i>Example:</i>") + "<pre style=\"white-space: pre-wrap\">"
                    + QString::fromStdString(e.pass->info().description).toHtmlEscaped() + "</pre>";
    html += "<ul>";
    for (const auto& r : s.changes.removed) {
        html += "<li>" + QString::fromStdString(r.label).toHtmlEscaped() + " (" + QString::fromStdString(r.opType) + ") "
                + fateName(r.fate);
        if (!r.intoValue.empty())
            html += " into <i>" + QString::fromStdString(r.intoValue).toHtmlEscaped() + "</i>";
        html += "</li>";
    }
    for (const auto& w : s.changes.warnings)
        html += "<li><font color='#b35900'>" + QString::fromStdString(w).toHtmlEscaped() + "</font></li>";
    html += "</ul>";
    if (!s.unchanged.empty())
        html += "<small>" + tr("Ran without change before it: ") + QString::fromStdString([&] {
                    std::string j;
                    for (const auto& n : s.unchanged)
                        j += (j.empty() ? "" : ", ") + n;
                    return j;
                }()).toHtmlEscaped() + "</small>";
    m_details->setHtml(html);
}

} // namespace netfold
