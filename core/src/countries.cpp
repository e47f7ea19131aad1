// Country names and common aliases to ISO 3166-1 alpha-2 codes, for CRM exports that write
// "United States" or "Deutschland" where a country question expects "US" or "DE". English short
// names, the usual long and old names, abbreviations and the names in the country's own
// languages for the larger markets. Matched on normalise_value's form ("U.S." -> "u_s").
#include "countries.hpp"

#include <unordered_map>

#include "ripen/import.hpp"

namespace ripen::detail {

namespace {

// "CODE:name|alias|alias" per entry.
const char* const kCountryNames[] = {
    "AD:Andorra", "AE:United Arab Emirates|UAE|U.A.E.|Emirates", "AF:Afghanistan", "AG:Antigua and Barbuda|Antigua",
    "AI:Anguilla", "AL:Albania|Shqipëria", "AM:Armenia", "AO:Angola", "AQ:Antarctica", "AR:Argentina",
    "AS:American Samoa", "AT:Austria|Österreich|Oesterreich", "AU:Australia", "AW:Aruba", "AX:Åland Islands|Aland Islands|Aland",
    "AZ:Azerbaijan", "BA:Bosnia and Herzegovina|Bosnia|Bosnia & Herzegovina", "BB:Barbados", "BD:Bangladesh",
    "BE:Belgium|België|Belgique|Belgien", "BF:Burkina Faso", "BG:Bulgaria", "BH:Bahrain", "BI:Burundi", "BJ:Benin",
    "BL:Saint Barthélemy|Saint Barthelemy|St. Barthélemy", "BM:Bermuda", "BN:Brunei|Brunei Darussalam", "BO:Bolivia",
    "BQ:Caribbean Netherlands|Bonaire, Sint Eustatius and Saba|Bonaire", "BR:Brazil|Brasil", "BS:Bahamas|The Bahamas",
    "BT:Bhutan", "BV:Bouvet Island", "BW:Botswana", "BY:Belarus", "BZ:Belize", "CA:Canada",
    "CC:Cocos (Keeling) Islands|Cocos Islands", "CD:Democratic Republic of the Congo|DR Congo|DRC|Congo-Kinshasa",
    "CF:Central African Republic", "CG:Republic of the Congo|Congo|Congo-Brazzaville", "CH:Switzerland|Schweiz|Suisse|Svizzera",
    "CI:Côte d'Ivoire|Cote d'Ivoire|Ivory Coast", "CK:Cook Islands", "CL:Chile", "CM:Cameroon", "CN:China|PRC|People's Republic of China",
    "CO:Colombia", "CR:Costa Rica", "CU:Cuba", "CV:Cabo Verde|Cape Verde", "CW:Curaçao|Curacao", "CX:Christmas Island",
    "CY:Cyprus", "CZ:Czechia|Czech Republic|Česko|Cesko", "DE:Germany|Deutschland|Allemagne|Alemania", "DJ:Djibouti",
    "DK:Denmark|Danmark", "DM:Dominica", "DO:Dominican Republic", "DZ:Algeria", "EC:Ecuador", "EE:Estonia|Eesti",
    "EG:Egypt", "EH:Western Sahara", "ER:Eritrea", "ES:Spain|España|Espana|Spanien", "ET:Ethiopia", "FI:Finland|Suomi",
    "FJ:Fiji", "FK:Falkland Islands", "FM:Micronesia", "FO:Faroe Islands", "FR:France|Frankreich|Francia", "GA:Gabon",
    "GB:United Kingdom|UK|U.K.|Great Britain|Britain|England|Scotland|Wales|Northern Ireland|United Kingdom of Great Britain and Northern Ireland",
    "GD:Grenada", "GE:Georgia", "GF:French Guiana", "GG:Guernsey", "GH:Ghana", "GI:Gibraltar", "GL:Greenland", "GM:Gambia|The Gambia",
    "GN:Guinea", "GP:Guadeloupe", "GQ:Equatorial Guinea", "GR:Greece|Hellas|Ελλάδα", "GS:South Georgia and the South Sandwich Islands",
    "GT:Guatemala", "GU:Guam", "GW:Guinea-Bissau", "GY:Guyana", "HK:Hong Kong", "HM:Heard Island and McDonald Islands",
    "HN:Honduras", "HR:Croatia|Hrvatska", "HT:Haiti", "HU:Hungary|Magyarország|Magyarorszag", "ID:Indonesia", "IE:Ireland|Éire|Eire",
    "IL:Israel", "IM:Isle of Man", "IN:India|Bharat", "IO:British Indian Ocean Territory", "IQ:Iraq", "IR:Iran", "IS:Iceland|Ísland",
    "IT:Italy|Italia|Italien", "JE:Jersey", "JM:Jamaica", "JO:Jordan", "JP:Japan|Nippon|Nihon|日本", "KE:Kenya", "KG:Kyrgyzstan",
    "KH:Cambodia", "KI:Kiribati", "KM:Comoros", "KN:Saint Kitts and Nevis|St. Kitts and Nevis", "KP:North Korea|DPRK",
    "KR:South Korea|Korea|Republic of Korea|대한민국", "KW:Kuwait", "KY:Cayman Islands", "KZ:Kazakhstan", "LA:Laos|Lao PDR",
    "LB:Lebanon", "LC:Saint Lucia|St. Lucia", "LI:Liechtenstein", "LK:Sri Lanka", "LR:Liberia", "LS:Lesotho", "LT:Lithuania|Lietuva",
    "LU:Luxembourg|Luxemburg", "LV:Latvia|Latvija", "LY:Libya", "MA:Morocco", "MC:Monaco", "MD:Moldova", "ME:Montenegro",
    "MF:Saint Martin|St. Martin", "MG:Madagascar", "MH:Marshall Islands", "MK:North Macedonia|Macedonia", "ML:Mali",
    "MM:Myanmar|Burma", "MN:Mongolia", "MO:Macao|Macau", "MP:Northern Mariana Islands", "MQ:Martinique", "MR:Mauritania",
    "MS:Montserrat", "MT:Malta", "MU:Mauritius", "MV:Maldives", "MW:Malawi", "MX:Mexico|México", "MY:Malaysia", "MZ:Mozambique",
    "NA:Namibia", "NC:New Caledonia", "NE:Niger", "NF:Norfolk Island", "NG:Nigeria", "NI:Nicaragua",
    "NL:Netherlands|The Netherlands|Holland|Nederland|Niederlande", "NO:Norway|Norge|Noreg", "NP:Nepal", "NR:Nauru", "NU:Niue",
    "NZ:New Zealand|Aotearoa", "OM:Oman", "PA:Panama", "PE:Peru", "PF:French Polynesia", "PG:Papua New Guinea", "PH:Philippines",
    "PK:Pakistan", "PL:Poland|Polska|Polen", "PM:Saint Pierre and Miquelon", "PN:Pitcairn Islands|Pitcairn", "PR:Puerto Rico",
    "PS:Palestine|State of Palestine", "PT:Portugal", "PW:Palau", "PY:Paraguay", "QA:Qatar", "RE:Réunion|Reunion",
    "RO:Romania|România", "RS:Serbia|Srbija", "RU:Russia|Russian Federation", "RW:Rwanda", "SA:Saudi Arabia|KSA", "SB:Solomon Islands",
    "SC:Seychelles", "SD:Sudan", "SE:Sweden|Sverige|Schweden", "SG:Singapore", "SH:Saint Helena", "SI:Slovenia|Slovenija",
    "SJ:Svalbard and Jan Mayen", "SK:Slovakia|Slovensko", "SL:Sierra Leone", "SM:San Marino", "SN:Senegal", "SO:Somalia",
    "SR:Suriname", "SS:South Sudan", "ST:São Tomé and Príncipe|Sao Tome and Principe", "SV:El Salvador", "SX:Sint Maarten",
    "SY:Syria", "SZ:Eswatini|Swaziland", "TC:Turks and Caicos Islands", "TD:Chad", "TF:French Southern Territories", "TG:Togo",
    "TH:Thailand", "TJ:Tajikistan", "TK:Tokelau", "TL:Timor-Leste|East Timor", "TM:Turkmenistan", "TN:Tunisia",
    "TO:Tonga", "TR:Türkiye|Turkiye|Turkey", "TT:Trinidad and Tobago", "TV:Tuvalu", "TW:Taiwan", "TZ:Tanzania",
    "UA:Ukraine|Україна", "UG:Uganda", "UM:United States Minor Outlying Islands",
    "US:United States|USA|U.S.|U.S.A.|US of A|United States of America|America|Vereinigte Staaten|Estados Unidos|États-Unis",
    "UY:Uruguay", "UZ:Uzbekistan", "VA:Vatican City|Holy See|Vatican", "VC:Saint Vincent and the Grenadines|St. Vincent and the Grenadines",
    "VE:Venezuela", "VG:British Virgin Islands", "VI:U.S. Virgin Islands|US Virgin Islands", "VN:Vietnam|Viet Nam",
    "VU:Vanuatu", "WF:Wallis and Futuna", "WS:Samoa", "YE:Yemen", "YT:Mayotte", "ZA:South Africa|Suid-Afrika", "ZM:Zambia",
    "ZW:Zimbabwe",
};

const std::unordered_map<std::string, std::string>& names() {
    static const std::unordered_map<std::string, std::string> table = [] {
        std::unordered_map<std::string, std::string> out;
        for (const char* entry : kCountryNames) {
            std::string_view rest(entry);
            std::string code(rest.substr(0, 2));
            rest.remove_prefix(3);
            while (!rest.empty()) {
                std::size_t bar = rest.find('|');
                out.emplace(normalise_value(rest.substr(0, bar)), code);
                if (bar == std::string_view::npos) break;
                rest.remove_prefix(bar + 1);
            }
        }
        return out;
    }();
    return table;
}

}  // namespace

std::string_view country_code_for_name(std::string_view normalised) {
    const auto& table = names();
    auto it = table.find(std::string(normalised));
    return it == table.end() ? std::string_view() : std::string_view(it->second);
}

std::size_t country_name_count() { return names().size(); }

}  // namespace ripen::detail
