// The visitor-facing form of a model. The form runs in the visitor's browser, so whatever model
// it loads is public: ripen publish writes one without the sales team's internal data. Removed:
// hand-off cadences (touch plans and their purposes), internal labels (criteria, signals,
// rules, segments, tracks), rejection reasons, the description and the provenance. Signal and
// rule ids become neutral ("signal_1", "knockout_2", "gate_1"). E-mail and URL domain lists
// ("domain_in", "domain_not_in": competitors, partners) become salted SHA-256 digests that the
// core matches the same way. Kept: everything the form shows or decides with (questions,
// points, thresholds, segment conditions and booking links, knock-out messages, nurture
// content, texts). Decisions on the published model equal those on the full one, down to the
// next questions; the server re-decides with the full model (docs/integration.md).
#pragma once

#include <string>
#include <string_view>

#include "ripen/model.hpp"

namespace ripen {

struct PublishResult {
    std::string json;  // the visitor model, compact: it is for the browser, not for reading
    std::string salt;
    int touches_removed = 0;
    int labels_removed = 0;  // internal labels and descriptions
    int reasons_removed = 0;
    int ids_renamed = 0;     // signals and rules
    int lists_hashed = 0;
    int domains_hashed = 0;
};

// `salt` empty: derived from the model's content, so the same model publishes to the same bytes
// (reproducible site builds) and two models do not share digests.
PublishResult publish_model(const Model& model, std::string_view salt = {});

}  // namespace ripen
