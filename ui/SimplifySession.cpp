#include "SimplifySession.h"

#include <QtConcurrent/QtConcurrentRun>

namespace netfold {

SimplifySession::SimplifySession(QObject* parent) : QObject(parent)
{
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, [this] { commit(m_watcher.result()); });
}

void SimplifySession::commit(const Outcome& outcome)
{
    m_busy = false;
    emit busyChanged(false);
    if (outcome.generation != m_generation)
        return; // setModel() came in between: the work was for a pipeline that is gone
    m_pipeline = outcome.pipeline;
    if (!outcome.error.isEmpty())
        emit failed(outcome.error);
    else if (m_cancel && m_pipeline && !m_pipeline->atFixedPoint())
        emit failed(tr("Cancelled after step %1; Run to end (F5) goes on from there.").arg(m_pipeline->position()));
    if (m_pipeline && m_pipeline->atFixedPoint())
        emit fixedPointReached();
    emit changed();
}

SimplifySession::~SimplifySession()
{
    m_cancel = true;
    m_watcher.waitForFinished();
}

void SimplifySession::setModel(std::shared_ptr<const Model> model, const PipelineOptions& options)
{
    m_cancel = true;
    m_watcher.waitForFinished();
    m_cancel = false;
    PipelineOptions cancellable = options;
    cancellable.pass.cancel = &m_cancel; // Cancel also stops a long constant fold inside a step
    m_pipeline = model ? std::make_shared<Pipeline>(*model, cancellable) : nullptr;
    ++m_generation;
    emit changed();
}

std::shared_ptr<const Model> SimplifySession::before() const
{
    if (!m_pipeline)
        return nullptr;
    const Step* s = currentStep();
    return s ? s->before : m_pipeline->originalPtr();
}

std::shared_ptr<const Model> SimplifySession::after() const
{
    return m_pipeline ? m_pipeline->currentPtr() : nullptr;
}

const Step* SimplifySession::currentStep() const
{
    if (!m_pipeline || m_pipeline->position() == 0)
        return nullptr;
    return &m_pipeline->steps()[m_pipeline->position() - 1];
}

void SimplifySession::runInBackground(std::function<void(Pipeline&)> work)
{
    if (!m_pipeline || m_busy)
        return;
    m_busy = true;
    m_cancel = false;
    emit busyChanged(true);
    Outcome start{std::make_shared<Pipeline>(*m_pipeline), m_generation, {}};
    m_watcher.setFuture(QtConcurrent::run([start, work] {
        Outcome out = start;
        try {
            work(*out.pipeline);
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void SimplifySession::step()
{
    runInBackground([](Pipeline& p) { p.stepForward(); });
}

void SimplifySession::back()
{
    if (!m_pipeline || m_busy)
        return;
    if (m_pipeline->stepBack())
        emit changed();
}

void SimplifySession::runToEnd()
{
    runInBackground([this](Pipeline& p) {
        p.runToFixedPoint([this, &p](const Step& s) {
            QMetaObject::invokeMethod(this, [this, n = static_cast<int>(p.position()), pass = QString::fromStdString(s.pass)] {
                emit progress(n, pass);
            });
            return !m_cancel.load();
        });
    });
}

void SimplifySession::reset()
{
    if (!m_pipeline || m_busy)
        return;
    m_pipeline->reset();
    emit changed();
}

void SimplifySession::goTo(int position)
{
    if (!m_pipeline || m_busy || position < 0 || std::size_t(position) == m_pipeline->position())
        return;
    if (m_pipeline->seek(static_cast<std::size_t>(position)))
        emit changed();
}

void SimplifySession::cancel() { m_cancel = true; }

void SimplifySession::setPassEnabled(const QString& name, bool enabled)
{
    if (!m_pipeline || m_busy)
        return;
    m_pipeline->setEnabled(name.toStdString(), enabled);
    emit changed();
}

void SimplifySession::setOptions(const PipelineOptions& options)
{
    if (!m_pipeline || m_busy)
        return;
    m_pipeline->setOptions(options);
    emit changed();
}

} // namespace netfold
