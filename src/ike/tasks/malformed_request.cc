// malformed_request task (see malformed_request.h).
#include "ike/tasks/malformed_request.h"

#include <fmt/format.h>

#include "ike/ike_sa.h"

namespace tern::ike {

TaskStatus MalformedRequest::process(TaskContext& ctx, const IkeMessage& msg) {
  if (!msg.malformed) return TaskStatus::need_more;
  error_ = msg.malformed;
  ++ctx.counters.malformed_requests_answered;
  const auto notify = static_cast<wire::NotifyType>(
      error_->notify.value_or(static_cast<uint16_t>(wire::NotifyType::INVALID_SYNTAX)));
  std::string text =
      fmt::format("malformed {} request (Message ID {}): {}; answered {}", wire::to_string(msg.exchange),
                  msg.message_id, error_->to_string(), wire::to_string(notify));
  if (msg.exchange == wire::ExchangeType::IKE_AUTH) {
    ctx.sa.die(std::move(text));  // §2.21.2: the IKE SA is not set up
  } else {
    ctx.event(EventKind::message_dropped, std::move(text));
  }
  return TaskStatus::need_more;
}

TaskStatus MalformedRequest::build(TaskContext& /*ctx*/, IkeMessage& msg) {
  if (!error_)
    return msg.exchange == wire::ExchangeType::IKE_SA_INIT ? TaskStatus::need_more : TaskStatus::done;
  msg.payloads.clear();
  msg.add_notify(static_cast<wire::NotifyType>(
                     error_->notify.value_or(static_cast<uint16_t>(wire::NotifyType::INVALID_SYNTAX))),
                 error_->notify_data);
  // failed: the task manager sends this answer, then destroys the SA.
  return msg.exchange == wire::ExchangeType::IKE_AUTH ? TaskStatus::failed : TaskStatus::done;
}

}  // namespace tern::ike
