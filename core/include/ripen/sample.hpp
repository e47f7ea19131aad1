// A seeded generator of realistic synthetic historical leads for any model: answers that hang
// together (better leads tend to pick higher-scoring options), show-if respected, some skipped
// optional questions and abandoned forms, a source and context values, and an outcome whose
// odds rise with the final score. Integer arithmetic only, so every build produces the same
// leads for the same seed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ripen/decision.hpp"
#include "ripen/model.hpp"

namespace ripen {

struct SampleLead {
    Answers answers;
    std::string source;                                        // a segment id, or "" to let conditions choose
    std::vector<std::pair<std::string, std::string>> context;  // context keys the model's conditions use
    bool converted = false;
};

class LeadGenerator {
public:
    LeadGenerator(const Model& model, std::uint64_t seed);
    ~LeadGenerator();
    LeadGenerator(const LeadGenerator&) = delete;
    LeadGenerator& operator=(const LeadGenerator&) = delete;

    void next(SampleLead& lead);

    // CSV: question ids, then source, the context keys and "converted" (yes/no).
    std::string csv_header() const;
    void append_csv(const SampleLead& lead, std::string& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ripen
