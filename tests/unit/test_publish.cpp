// ripen publish: the visitor model leaves out the sales team's data, keeps every decision, and
// its hashed domain lists match like the plain ones. SHA-256 against the FIPS 180-2 vectors.
#include <random>

#include "sha256.hpp"
#include "support.hpp"

TEST_SUITE_BEGIN("publish");

namespace {

std::string hex(const std::array<std::uint8_t, 32>& digest) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (auto b : digest) out += {digits[b >> 4], digits[b & 15]};
    return out;
}

ripen::Model published(const ripen::Model& full, std::string_view salt = {}) { return test::load(ripen::publish_model(full, salt).json); }

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    std::size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "not found: " << from);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("SHA-256 gives the FIPS 180-2 digests, across the padding boundaries") {
    using ripen::detail::sha256;
    CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(hex(sha256(std::string(1000000, 'a'))) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    // 55 bytes pad within one block, 56 need a second; 64 and 119 fill blocks exactly or nearly
    // (digests from Python's hashlib).
    CHECK(hex(sha256(std::string(55, 'x'))) == "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072");
    CHECK(hex(sha256(std::string(56, 'x'))) == "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e");
    CHECK(hex(sha256(std::string(63, 'x'))) == "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2");
    CHECK(hex(sha256(std::string(64, 'x'))) == "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c");
    CHECK(hex(sha256(std::string(119, 'x'))) == "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c");
    CHECK(ripen::detail::salted_digest("salt", "globex.example") == "c8c182bdbde673fb");
}

TEST_CASE("the published default model has no cadence, internal label, rejection reason or private domain") {
    auto full = test::default_model();
    auto result = ripen::publish_model(full);
    const std::string& text = result.json;
    auto model = test::load(text);
    CHECK(model.spec().visitor_model);
    for (const auto& s : model.spec().segments) CHECK(s.cadence.empty());
    for (const auto& r : model.spec().rules) CHECK(r.label.empty());
    for (const auto& s : model.spec().segments) CHECK(s.label.empty());
    for (const auto& t : model.spec().tracks) CHECK(t.label.empty());
    CHECK(model.spec().rejection.empty());
    for (const char* secret : {"globex.example", "initech.example", "gmail.com", "Competitors", "cadence", "purpose",
                               "VP of sales", "\"competitor\"", "free_mail", "description", "rejection"})
        CHECK_MESSAGE(text.find(secret) == std::string::npos, secret);
    // What the visitor sees stays: questions, knock-out messages and links, nurture content.
    CHECK(text.find("What do you want to achieve?") != std::string::npos);
    CHECK(text.find("Our public documentation covers the product in depth.") != std::string::npos);
    CHECK(text.find("/resources/pricing-guide") != std::string::npos);
    CHECK(result.touches_removed == 48);
    CHECK(result.lists_hashed == 2);
    CHECK(result.domains_hashed == 17);
    CHECK(model.spec().rules[1].id == "knockout_2");
    CHECK(model.spec().rules[3].id == "gate_1");
    CHECK(model.spec().signals[0].id == "signal_1");
    CHECK(text.size() < test::read_file(test::source_path("models/default.json")).size());
}

TEST_CASE("publishing repeats byte for byte, and another salt gives other digests") {
    auto full = test::default_model();
    auto a = ripen::publish_model(full), b = ripen::publish_model(full);
    CHECK(a.json == b.json);
    CHECK(a.salt.size() == 16);
    auto salted = ripen::publish_model(full, "other");
    CHECK(salted.salt == "other");
    CHECK(salted.json != a.json);
    CHECK(salted.json.find(ripen::detail::salted_digest("other", "globex.example")) != std::string::npos);
}

TEST_CASE("decisions on the published model equal the full model's, next questions included") {
    auto full = test::default_model();
    auto visitor = published(full);
    ripen::LeadGenerator generator(full, 7);
    ripen::SampleLead lead;
    std::mt19937 random(11);
    int compared = 0, knocked_out = 0, free_mail = 0;
    for (int i = 0; i < 3000; ++i) {
        generator.next(lead);
        ripen::Context context;
        context.values = lead.context;
        if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
        // The whole form, then the same lead halfway through it (what the form decides on).
        for (int pass = 0; pass < 2; ++pass) {
            ripen::Answers answers = lead.answers;
            context.complete = pass == 0;
            if (pass == 1)
                for (auto& a : answers.values)
                    if (random() % 2) a = ripen::Answer{};
            auto d = ripen::decide(full, answers, context);
            auto p = ripen::decide(visitor, answers, context);
            REQUIRE(p.route == d.route);
            CHECK(p.total == d.total);
            CHECK(p.lo == d.lo);
            CHECK(p.hi == d.hi);
            CHECK(p.threshold == d.threshold);
            CHECK(p.segment == d.segment);
            CHECK(p.track == d.track);
            CHECK(p.track_settled == d.track_settled);
            CHECK(p.rules == d.rules);
            CHECK(p.signals == d.signals);
            CHECK(p.next_questions == d.next_questions);
            CHECK(p.flip.has_value() == d.flip.has_value());
            ++compared;
            knocked_out += d.route == ripen::Route::disqualify;
            free_mail += d.signals[0] == ripen::Truth::yes;
        }
    }
    CHECK(compared == 6000);
    // The sample hits the hashed lists: free-mail addresses and knock-outs occur.
    CHECK(free_mail > 100);
    CHECK(knocked_out > 100);
}

TEST_CASE("a hashed domain list matches subdomains and any case, and nothing else") {
    auto visitor = published(test::default_model());
    auto route = [&](const std::string& email) {
        return test::decide(visitor, R"({"email": ")" + email + R"("})").rules[1];
    };
    CHECK(route("jane@globex.example") == ripen::Truth::yes);
    CHECK(route("Jane@Mail.GLOBEX.example") == ripen::Truth::yes);
    CHECK(route("jane@globex.example.com") == ripen::Truth::no);
    CHECK(route("jane@notglobex.example") == ripen::Truth::no);
    CHECK(route("jane@acme.example") == ripen::Truth::no);
}

TEST_CASE("publishing renames signals where conditions name them and drops rejection reasons") {
    std::string text = replaced(test::tiny_model_json(), R"("when": {"criterion": "fit", "gte": 1}})",
                                R"("when": {"all": [{"criterion": "fit", "gte": 1}, {"signal": "free_mail", "is": false}]}})");
    auto full = test::load(text);
    auto result = ripen::publish_model(full);
    CHECK(result.reasons_removed == 1);
    CHECK(result.json.find("\"signal\":\"signal_1\"") != std::string::npos);
    auto visitor = test::load(result.json);
    auto with_free_mail = test::decide(visitor, R"({"goal": "buy", "size": 150, "student": "no", "email": "a@gmail.com"})", R"({"complete": true})");
    auto d = test::decide(full, R"({"goal": "buy", "size": 150, "student": "no", "email": "a@gmail.com"})", R"({"complete": true})");
    CHECK(with_free_mail.route == ripen::Route::nurture);
    CHECK(with_free_mail.route == d.route);
}

TEST_CASE("hashed lists and the visitor audience are checked, with located errors") {
    std::string base = test::tiny_model_json();
    std::string hashed_ok = replaced(base, R"("domain_in": ["gmail.com"])", R"("domain_in": {"salt": "s", "sha256": ["0123456789abcdef"]})");
    CHECK(ripen::load_model(hashed_ok).ok());
    auto bad_digest = test::only_issue(replaced(base, R"("domain_in": ["gmail.com"])", R"("domain_in": {"salt": "s", "sha256": ["gmail.com"]})"), "value.digest");
    CHECK(bad_digest.path == "$.signals[0].when.domain_in.sha256[0]");
    CHECK(bad_digest.message == "\"gmail.com\" is not a digest: expected 16 lowercase hex digits (ripen publish writes them)");
    CHECK(bad_digest.line > 0);
    auto no_salt = test::only_issue(replaced(base, R"("domain_in": ["gmail.com"])", R"("domain_in": {"sha256": ["0123456789abcdef"]})"), "schema.required");
    CHECK(no_salt.path == "$.signals[0].when.domain_in");
    CHECK(no_salt.message == "missing required member \"salt\"");
    auto empty_salt = test::only_issue(replaced(base, R"("domain_in": ["gmail.com"])", R"("domain_in": {"salt": "", "sha256": ["0123456789abcdef"]})"), "value.salt");
    CHECK(empty_salt.message == "a salt has 1 to 64 characters, this one 0");
    auto extra = test::only_issue(replaced(base, R"("domain_in": ["gmail.com"])", R"("domain_in": {"salt": "s", "sha256": ["0123456789abcdef"], "md5": []})"), "schema.unknown_member");
    CHECK(extra.path == "$.signals[0].when.domain_in.md5");
    auto audience = test::only_issue(replaced(base, R"("id": "tiny",)", R"("id": "tiny", "audience": "sales",)"), "value.audience");
    CHECK(audience.path == "$.audience");
    CHECK(audience.message == "audience \"sales\" is not known (\"visitor\" marks a published model)");
    // Without the visitor audience, internal labels and cadences are still required.
    auto label = test::only_issue(replaced(base, R"("id": "student", "kind": "knockout", "label": "Students",)", R"("id": "student", "kind": "knockout",)"),
                            "schema.required");
    CHECK(label.path == "$.rules[0]");
    std::string visitor = replaced(replaced(base, R"("id": "tiny",)", R"("id": "tiny", "audience": "visitor",)"),
                                   R"("id": "student", "kind": "knockout", "label": "Students",)", R"("id": "student", "kind": "knockout",)");
    CHECK(ripen::load_model(visitor).ok());
}

TEST_SUITE_END();
