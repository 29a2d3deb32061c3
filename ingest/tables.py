"""Curated tables the extractor reads besides the database's own names.

The database gives the names and aliases of published records (``ingest.gazetteer``); these
tables give what no record holds: demonyms and capitals standing in for countries, commodity
words with the HS heading a curator would choose (always marked inferred), titles of office,
the words of speech, hedges and decisions. They are English: ``language`` other than "en"
is refused by the API until tables exist for it.
"""

from __future__ import annotations

import re

#: Adjectives and nouns of nationality → ISO alpha-2. Only unambiguous ones.
DEMONYMS = {
    "Afghan": "AF", "Russian": "RU", "Kazakh": "KZ", "Kazakhstani": "KZ", "Uzbek": "UZ",
    "Uzbekistani": "UZ", "Turkmen": "TM", "Tajik": "TJ", "Tajikistani": "TJ", "Kyrgyz": "KG",
    "Indian": "IN", "Iranian": "IR", "Pakistani": "PK", "Chinese": "CN", "Turkish": "TR",
    "Azerbaijani": "AZ", "Azeri": "AZ", "Georgian": "GE", "Armenian": "AM", "Brazilian": "BR",
    "Egyptian": "EG", "Ukrainian": "UA", "Belarusian": "BY", "American": "US", "British": "GB",
    "French": "FR", "German": "DE", "Italian": "IT", "Spanish": "ES", "Polish": "PL",
    "Japanese": "JP", "Korean": "KR", "Saudi": "SA", "Emirati": "AE", "Qatari": "QA",
    "Iraqi": "IQ", "Syrian": "SY", "Israeli": "IL", "Jordanian": "JO", "Lebanese": "LB",
    "Omani": "OM", "Kuwaiti": "KW", "Indonesian": "ID", "Malaysian": "MY", "Thai": "TH",
    "Vietnamese": "VN", "Filipino": "PH", "Bangladeshi": "BD", "Nepali": "NP",
    "Sri Lankan": "LK", "Mongolian": "MN", "Argentine": "AR", "Argentinian": "AR",
    "Mexican": "MX", "Canadian": "CA", "Australian": "AU", "Nigerian": "NG", "Kenyan": "KE",
    "Ethiopian": "ET", "Algerian": "DZ", "Moroccan": "MA", "Tunisian": "TN", "Libyan": "LY",
    "Sudanese": "SD", "South African": "ZA", "Hungarian": "HU", "Romanian": "RO",
    "Bulgarian": "BG", "Greek": "GR", "Serbian": "RS", "Dutch": "NL", "Belgian": "BE",
    "Swiss": "CH", "Swedish": "SE", "Norwegian": "NO", "Finnish": "FI", "Danish": "DK",
    "Portuguese": "PT", "Irish": "IE", "Austrian": "AT", "Czech": "CZ", "Slovak": "SK",
    "Moldovan": "MD", "Lithuanian": "LT", "Latvian": "LV", "Estonian": "EE", "Venezuelan": "VE",
    "Cuban": "CU", "Peruvian": "PE", "Colombian": "CO", "Chilean": "CL", "Bahraini": "BH",
    "Yemeni": "YE", "Somali": "SO", "Ghanaian": "GH", "Senegalese": "SN", "Tanzanian": "TZ",
    "Ugandan": "UG", "Zambian": "ZM", "Zimbabwean": "ZW", "Angolan": "AO", "Malian": "ML",
    "Chadian": "TD", "Cameroonian": "CM", "Ecuadorian": "EC", "Bolivian": "BO",
    "Paraguayan": "PY", "Uruguayan": "UY", "Burmese": "MM", "Cambodian": "KH", "Laotian": "LA",
    "Singaporean": "SG", "Taiwanese": "TW", "Croatian": "HR", "Slovenian": "SI",
    "Bosnian": "BA", "Albanian": "AL", "Cypriot": "CY", "Maltese": "MT", "Icelandic": "IS",
    "Turkmenistani": "TM", "Palestinian": "PS", "Mauritanian": "MR",
}  # fmt: skip

#: Capitals (and seats of government) that sources write for their state: "Kabul said".
CAPITALS = {
    "Kabul": "AF", "Moscow": "RU", "Kremlin": "RU", "Astana": "KZ", "Nur-Sultan": "KZ",
    "Tashkent": "UZ", "Ashgabat": "TM", "Dushanbe": "TJ", "Bishkek": "KG", "New Delhi": "IN",
    "Delhi": "IN", "Tehran": "IR", "Islamabad": "PK", "Beijing": "CN", "Ankara": "TR",
    "Baku": "AZ", "Tbilisi": "GE", "Yerevan": "AM", "Brasília": "BR", "Brasilia": "BR",
    "Cairo": "EG", "Kyiv": "UA", "Kiev": "UA", "Minsk": "BY", "Washington": "US",
    "London": "GB", "Paris": "FR", "Berlin": "DE", "Rome": "IT", "Madrid": "ES",
    "Warsaw": "PL", "Tokyo": "JP", "Seoul": "KR", "Riyadh": "SA", "Abu Dhabi": "AE",
    "Doha": "QA", "Baghdad": "IQ", "Damascus": "SY", "Amman": "JO", "Beirut": "LB",
    "Muscat": "OM", "Jakarta": "ID", "Kuala Lumpur": "MY", "Bangkok": "TH", "Hanoi": "VN",
    "Manila": "PH", "Dhaka": "BD", "Kathmandu": "NP", "Colombo": "LK", "Ulaanbaatar": "MN",
    "Buenos Aires": "AR", "Mexico City": "MX", "Ottawa": "CA", "Canberra": "AU",
    "Abuja": "NG", "Nairobi": "KE", "Addis Ababa": "ET", "Algiers": "DZ", "Rabat": "MA",
    "Tunis": "TN", "Tripoli": "LY", "Khartoum": "SD", "Pretoria": "ZA", "Budapest": "HU",
    "Bucharest": "RO", "Sofia": "BG", "Athens": "GR", "Belgrade": "RS", "Chisinau": "MD",
    "Caracas": "VE", "Havana": "CU", "Lima": "PE", "Bogotá": "CO", "Santiago": "CL",
    "Manama": "BH", "Sanaa": "YE", "Mogadishu": "SO", "Kampala": "UG", "Dodoma": "TZ",
    "Lusaka": "ZM", "Harare": "ZW", "Luanda": "AO", "Kinshasa": "CD", "Bamako": "ML",
    "Niamey": "NE", "Yaoundé": "CM", "Quito": "EC", "Asunción": "PY", "Montevideo": "UY",
    "Taipei": "TW", "Wellington": "NZ", "Zagreb": "HR", "Ljubljana": "SI", "Sarajevo": "BA",
    "Tirana": "AL", "Skopje": "MK", "Nicosia": "CY", "Vilnius": "LT", "Riga": "LV",
    "Tallinn": "EE", "Prague": "CZ", "Bratislava": "SK", "Vienna": "AT", "Bern": "CH",
    "Stockholm": "SE", "Oslo": "NO", "Helsinki": "FI", "Copenhagen": "DK", "Lisbon": "PT",
    "Dublin": "IE", "Accra": "GH", "Dakar": "SN", "Naypyidaw": "MM", "Phnom Penh": "KH",
    "Vientiane": "LA", "Kuwait City": "KW", "Nouakchott": "MR",
}  # fmt: skip

#: Short names pycountry does not give for certain (it has Iran, Syria, Vietnam…).
COUNTRY_NAMES = {
    "Russia": "RU", "UK": "GB", "Britain": "GB", "USA": "US", "United States": "US",
    "South Korea": "KR", "North Korea": "KP", "Turkey": "TR", "Türkiye": "TR",
    "Ivory Coast": "CI", "Czechia": "CZ", "Moldova": "MD", "US": "US", "U.S.": "US",
    "UAE": "AE", "the Netherlands": "NL", "Holland": "NL", "Burma": "MM",
}  # fmt: skip

# --- commodities -------------------------------------------------------------------------

#: word (regex, case-insensitive) → (slug, name, HS code, sector). The HS code is the
#: heading a curator would choose for the word alone: always proposed as inferred.
COMMODITIES = [
    (r"petroleum products?|oil products|refined products", "petroleum-products",
     "Petroleum products", "2710", "energy"),
    (r"lubricants?|lubricating oils?", "lubricants", "Lubricants", "271019", "energy"),
    (r"diesel(?: fuel)?|gas ?oil", "diesel", "Diesel", "271019", "energy"),
    (r"gasoline|petrol", "gasoline", "Gasoline", "271012", "energy"),
    (r"jet fuel|kerosene", "jet-fuel", "Jet fuel", "271019", "energy"),
    (r"fuel oil|mazut", "fuel-oil", "Fuel oil", "271019", "energy"),
    (r"fuels?", "fuel", "Fuel", "2710", "energy"),
    (r"(?:crude )?palm (?:kernel )?oil", "palm-oil", "Palm oil", "1511", "food"),
    (r"crude oil|crude|oil", "crude-oil", "Crude oil", "2709", "energy"),
    (r"liquefied natural gas|LNG", "lng", "Liquefied natural gas", "271111", "energy"),
    (r"liquefied petroleum gas|LPG|cooking gas", "lpg", "Liquefied petroleum gas", "271112",
     "energy"),
    (r"natural gas|gas", "natural-gas", "Natural gas", "271121", "energy"),
    (r"coal", "coal", "Coal", "2701", "energy"),
    (r"electricity|electric power", "electricity", "Electricity", "2716", "energy"),
    (r"wheat flour|flour", "flour", "Flour", "1101", "food"),
    (r"durum wheat|wheat", "wheat", "Wheat", "1001", "food"),
    (r"barley", "barley", "Barley", "1003", "food"),
    (r"maize|corn", "maize", "Maize", "1005", "food"),
    (r"rice", "rice", "Rice", "1006", "food"),
    (r"grains?|cereals?", "grain", "Grain", "10", "food"),
    (r"soya? ?beans?|soybeans?", "soybeans", "Soybeans", "1201", "food"),
    (r"soybean meal|soymeal", "soybean-meal", "Soybean meal", "2304", "food"),
    (r"soybean oil|soya oil", "soybean-oil", "Soybean oil", "1507", "food"),
    (r"sunflower oil", "sunflower-oil", "Sunflower oil", "1512", "food"),
    (r"vegetable oils?|cooking oils?", "vegetable-oil", "Vegetable oil", "15", "food"),
    (r"sugar", "sugar", "Sugar", "1701", "food"),
    (r"tea", "tea", "Tea", "0902", "food"),
    (r"coffee", "coffee", "Coffee", "0901", "food"),
    (r"cotton", "cotton", "Cotton", "5201", "other"),
    (r"lentils", "lentils", "Lentils", "0713", "food"),
    (r"potatoes", "potatoes", "Potatoes", "0701", "food"),
    (r"onions", "onions", "Onions", "0703", "food"),
    (r"apples", "apples", "Apples", "0808", "food"),
    (r"grapes|raisins", "grapes", "Grapes", "0806", "food"),
    (r"dried fruits?", "dried-fruit", "Dried fruit", "0813", "food"),
    (r"fruits?", "fruit", "Fruit", "08", "food"),
    (r"vegetables", "vegetables", "Vegetables", "07", "food"),
    (r"beef", "beef", "Beef", "0201", "food"),
    (r"poultry|chicken", "poultry", "Poultry", "0207", "food"),
    (r"meat", "meat", "Meat", "02", "food"),
    (r"fish", "fish", "Fish", "03", "food"),
    (r"milk|dairy products", "dairy", "Dairy products", "04", "food"),
    (r"lithium(?: carbonate| hydroxide)?", "lithium", "Lithium", "2836", "other"),
    (r"ammonia", "ammonia", "Ammonia", "2814", "other"),
    (r"phosphate rock|phosphates?(?! fertili[sz]ers?)", "phosphate", "Phosphate", "2510", "other"),
    (r"urea", "urea", "Urea", "310210", "other"),
    (r"potash", "potash", "Potash", "3104", "other"),
    (r"fertili[sz]ers?", "fertilizer", "Fertilizer", "31", "other"),
    (r"iron ore", "iron-ore", "Iron ore", "2601", "other"),
    (r"steel", "steel", "Steel", "72", "other"),
    (r"copper (?:ores?|concentrates?)|copper ore and concentrates?", "copper-ore",
     "Copper ore and concentrate", "2603", "other"),
    (r"copper", "copper", "Copper", "74", "other"),
    (r"alumin(?:i)?um", "aluminium", "Aluminium", "76", "other"),
    (r"nickel", "nickel", "Nickel", "75", "other"),
    (r"cocoa(?: beans)?", "cocoa", "Cocoa", "1801", "food"),
    (r"natural rubber|rubber", "rubber", "Rubber", "4001", "other"),
    (r"cement", "cement", "Cement", "2523", "other"),
    (r"timber|lumber", "timber", "Timber", "44", "other"),
    (r"medicines?|pharmaceuticals", "medicines", "Medicines", "30", "other"),
]  # fmt: skip

# --- people and offices ------------------------------------------------------------------

#: Titles of office, longest first when joined (case-insensitive). "Minister of X" and
#: "X Minister" are read by MINISTER below.
TITLES = [
    "special presidential envoy", "special representative", "special envoy",
    "deputy prime minister", "prime minister", "vice president", "vice-president", "president",
    "ambassador", "chargé d'affaires", "consul general", "consul", "envoy",
    "foreign minister", "spokesperson", "spokesman", "spokeswoman", "secretary-general",
    "secretary general", "secretary of state", "chancellor", "king", "emir", "crown prince",
    "governor", "chairman", "chairwoman", "chief executive", "head", "director",
    "commissioner", "supreme leader", "acting minister", "deputy minister", "minister",
    "adviser", "advisor", "trade representative", "coordinating minister", "state secretary",
    "managing director", "chief executive officer",
]  # fmt: skip
#: Ministries' portfolios, as "X Minister", "Minister of X", "X Ministry", "Ministry of X".
PORTFOLIOS = (
    r"(?:Foreign|Foreign Affairs|Justice|Energy|Agriculture|Trade|Commerce|Economy|Economic "
    r"Affairs|Finance|Defen[cs]e|Interior|Industry|Transport|Health|Education|Investment|"
    r"Economy and Finance|Industry and Trade|Investment and Trade|Investments, Industry and "
    r"Trade|Agriculture and Food|Petroleum|Oil|Mines|Mines and Petroleum|Water and Energy|"
    r"Emergency Situations|Labou?r|Culture|Information|Commerce and Industry|Refugees|Mining|"
    r"Mineral Resources|Natural Resources|Environment|Construction|Development|Economic "
    r"Development|Digital Development|Planning|Tourism|Communications|Infrastructure|Housing|"
    r"Fisheries|Food|Supply|Social Affairs|Home Affairs|External Affairs|Electricity|Power|"
    r"Transport and Logistics|Logistics|Ports|Maritime Affairs|Plantations?(?: and Commodities)?|"
    r"Commodities|Foreign Trade|Trade and Industry|Energy and Mines|Power and Energy)"
)
HEADS = frozenset({"president", "prime minister", "king", "emir", "chancellor", "supreme leader"})

#: Words that close an organization's name: "Eurasian Economic Union", "State Grain Company".
ORG_HEADS = (
    r"Organi[sz]ation|Union|Council|Bank|Fund|Company|Corporation|Corp\.?|Agency|Committee|"
    r"Commission|Authority|Movement|Party|Front|Association|Federation|Exchange|Service|"
    r"Administration|Chamber of Commerce|Programme|Program|Cabinet|Parliament|Group|Holdings?|"
    r"Court|Institute|Assembly|Treasury|Department|Office|Consortium|Directorate(?: General)?|"
    r"Limited|Ltd\.?|LLC|Inc\.?|PLC|JSC|Board|Community|Secretariat|Bourse"
)
#: International bodies sources name by their initials.
ACRONYMS = {
    "UN": "United Nations", "WTO": "World Trade Organization", "OPEC": "OPEC",
    "SCO": "Shanghai Cooperation Organisation", "EAEU": "Eurasian Economic Union",
    "EU": "European Union", "NATO": "NATO", "IMF": "International Monetary Fund",
    "BRICS": "BRICS", "CIS": "Commonwealth of Independent States", "ASEAN": "ASEAN",
    "WFP": "World Food Programme", "FAO": "Food and Agriculture Organization",
    "IAEA": "International Atomic Energy Agency", "ECO": "Economic Cooperation Organization",
}  # fmt: skip

#: Bodies and companies sources name without a head word ("Gazprom", "the World Bank").
NAMED_BODIES = {
    "United Nations": "international_body", "World Bank": "international_body",
    "European Union": "international_body", "Gazprom": "company", "Rosneft": "company",
    "Lukoil": "company", "Transneft": "company", "Sinopec": "company", "CNPC": "company",
    "PetroChina": "company", "Aramco": "company", "Saudi Aramco": "company", "SOCAR": "company",
    "KazMunayGas": "company", "Uzbekneftegaz": "company", "Turkmengaz": "company",
    "NIOC": "company", "ONGC": "company", "Petrobras": "company", "BOTAS": "company",
    "BOTAŞ": "company", "Naftogaz": "company", "COFCO": "company", "Rosatom": "company",
    "QatarEnergy": "company", "ADNOC": "company", "Kremlin": "government",
}  # fmt: skip

# --- speech, hedges, decisions -----------------------------------------------------------

SPEECH_VERBS = (
    # not "added the company to its list": a listing, not words
    r"said|says|told|stated|states|announced|"
    r"added(?![^.;]{0,90}\bto (?:its|the|a) (?:[\w-]+ )?list\b)|"
    # "called the move \"politically motivated\"": words, quoted
    r"called(?=[^.;“\"]{0,40}[“\"])|"
    r"noted|explained|emphasi[sz]ed|stressed|"
    r"indicated|warned|confirmed|argued|insisted|claimed|pointed out|underlined|"
    r"highlighted|remarked|commented|acknowledged|reiterated|observed|wrote|tweeted|"
    # not "declared the company undesirable": a decision, not words
    r"declared(?![^.,;]{0,50}\b(?:undesirable|terrorist|extremist|illegal|unlawful|invalid)\b)|"
    r"reported|denied|suggested|described|cautioned|revealed|admitted|conceded|"
    r"replied|responded|predicted|estimated(?= that)|announces|adds|notes|warns|insists|"
    r"estimates(?=\s*[.,;]|\s+that)"
)
SPEECH_PARTICIPLES = r"noting|adding|saying|explaining|stressing|emphasi[sz]ing|warning|stating"
#: Nouns that report what a side said: "Afghan statements about…".
SPEECH_NOUNS = r"statements?|remarks|comments|officials said|assurances"

#: Words that make a decision a possibility, never a decided fact.
HEDGES = (
    r"possibility|possible|possibly|potential(?:ly)?|considering|considered|consider|"
    r"considerations?|if confirmed|weighing|mulling|exploring|studying|"
    r"in talks|discuss(?:ed|ing|ions?)|negotiat(?:ing|ions?)|expected to|proposal|"
    r"proposed|plans? to|planning to|intends? to|draft|not yet|under review|hopes? to|"
    r"reviewing|looking (?:at|into)|assessing|evaluating|contemplating|eyeing|"
    r"being (?:negotiated|discussed|considered|reviewed|studied)"
)
#: Modal verbs of possibility: lower case only ("May" is a month).
MODALS = r"could|may|might"
BRIEFED = r"briefed|informed|reported to"
PROPOSED = r"proposed|proposal|suggested|offered|asked|requested|urged|called (?:on|for)"
DECIDED = (
    r"decided|agreed|approved|signed|have begun|has begun|began|launched|concluded|"
    r"ratified|finali[sz]ed|ruled|banned|outlawed|lowered|raised|imposed|introduced|adopted|"
    r"extended"
)
IMPLEMENTED = r"implemented|in force|took effect|came into force|completed|carried out"
REJECTED = r"rejected|refused|declined|turned down"
REVERSED = r"reversed|revoked|overturned|cancell?ed|scrapped"

#: decision type → the words that name the object of the decision.
DECISION_OBJECTS = [
    ("recognition", r"recogni(?:[sz]e|[sz]ed|[sz]ing|tion)"),
    ("delisting", r"remov\w* (?:[\w'’-]+ ){0,4}from (?:the|its|a) (?:\w+ ){0,2}list|delist\w*|"
     r"lift\w* (?:the|its) ban|unban\w*"),
    ("listing", r"blacklist\w*|designat\w* (?:\w+ ){0,3}as (?:a )?terrorist|add\w* (?:[\w'’-]+ )"
     r"{0,6}to (?:the|its|a) (?:[\w-]+ )?list|declar\w* (?:[\w'’-]+ ){0,4}(?:undesirable|terrorist|"
     r"extremist|illegal)\b"),
    ("sanction", r"sanctions? (?:on|against)|impos\w* sanctions|(?:revisit|eas|lift|relax)\w* "
     r"(?:\w+ ){0,2}(?:restrictions|sanctions)"),
    ("supply_arrangement", r"(?:agreement|deal|contract|accord) under which [^.;]{0,60}?\b"
     r"(?:will|would|is to|are to) (?:supply|deliver|export|ship|buy|sell|import)\b|"
     r"(?:supply|supplies|deliver(?:y|ies)|export|import|shipments?|"
     r"purchase)s? (?:\w+ ){0,4}(?:agreement|deal|contract|arrangement|memorandum)|"
     r"(?:will|to) (?:supply|deliver|export|ship|buy) [^.;]{0,120}\b(?:under|in) (?:an?|the) "
     r"(?:agreement|deal|contract)|"
     r"(?:agreement|deal|contract|arrangement|memorandum) (?:\w+ ){0,5}(?:to supply|to deliver|"
     r"on (?:the )?suppl(?:y|ies)|for (?:the )?suppl(?:y|ies)|to export|to import|to buy)|"
     r"proposals? to (?:supply|buy|sell|export|import|deliver|ship)|"
     r"working together on the supply|cooperation on (?:the )?supply|swap (?:deal|arrangement)|"
     r"(?:agree\w*|deal|contract) (?:\w+ ){0,3}to (?:buy|sell|supply|deliver|import|export|"
     r"purchase|ship)|(?:resum\w*|restart\w*|halt\w*|stop\w*|suspend\w*|expand\w*) (?:\w+ ){0,2}"
     r"(?:purchases|imports|exports|supplies|deliveries|shipments|sales)|"
     r"(?:supplies|deliveries|purchases) of|"
     # "India will allow exports of rice": a trade permitted
     r"(?:will|to|would) (?:allow|permit|authori[sz]e) (?:\w+ ){0,2}(?:exports|imports|"
     r"shipments|sales|purchases)\b"),
    ("trade_agreement", r"(?:free[- ])?trade (?:agreement|deal|pact)|preferential trade|"
     r"customs union|tariffs?"),
    ("other", r"(?:studying|mulling|exploring|reviewing|assessing|evaluating|negotiating|"
     r"consider(?:ing)?|"
     r"discussing|drafting|preparing|contemplating|looking (?:at|into)|"
     r"(?:not yet|yet to) (?:approved?|decided?|signed?|"
     r"ratified|adopted)) (?:whether |an? |the |its |their )?(?:[\w'’-]+ ){0,2}?"
     r"(?:proposals?|plans?|"
     r"objections?|appeals?|complaints?|"
     r"requests?|offers?|options?|routes?|cuts?|increases?|reductions?|extensions?|projects?|"
     r"bids?|measures?|schemes?|ways?|changes?|restrictions|rules|curbs|limits|levy|levies|"
     r"fees|duties|quotas?|terms|protocols?|accords?|memorand(?:um|a)|frameworks?|treat(?:y|ies)|"
     r"pacts?)\b|"
     # an agreement reached, or a charge changed: "settled terms", "will cut handling fees"
     r"(?:settled|agreed|finali[sz]ed) (?:the )?terms|(?:reached|struck) (?:an? )?(?:agreement|"
     r"deal|accord)|(?:agreed|decided|voted)(?: [\w-]+){0,5}? to \w+|"
     r"(?:will|to|could|would|may|might) (?:cut|raise|lower|reduce|scrap|waive|halve|double|"
     r"increase) (?:[\w-]+ ){0,2}(?:fees|tariffs?|duties|levy|levies|taxes|charges|quotas?|"
     r"volumes?|output|production|capacity|exports|imports|supplies|purchases|sales)|"
     r"(?:will|to) (?:let|allow|permit) (?:[\w-]+ ){0,3}(?:cross|transit|pass through|enter)\b|"
     r"(?:in (?:talks|discussions|negotiations)|negotiating|consulting) with|"
     r"(?:is|are|was|were) being (?:negotiated|discussed|considered|reviewed|studied)|"
     r"(?:agreements?|deals?|contracts?|memorand(?:um|a)|arrangements?|quota|"
     r"pipeline project|"
     # a credit facility, not "a new facility in Akwa Ibom state is completed"
     r"(?:credit|loan|financing|lending) facility|credit line|loan|waiver|exemption|licen[cs]e)|"
     r"(?:agreed|decided|voted) to \w+|"
     # a request: "has asked the finance ministry for an extra 60 billion taka"
     r"ask(?:ed|s|ing) (?:[\w'’-]+ ){0,4}for (?:an? |the )?(?:extra|additional|further|more|new)\b|"
     # "could consider financing": a gerund, not an adjective ("consider existing stances")
     r"(?:sell|buy|acquir|divest)\w* (?:\w+ ){0,3}stakes?|(?:new|planned|proposed) (?:[\w-]+ ){0,2}"
     r"(?:rail link|railway|pipeline|power plant|refinery|port|corridor)|"
     r"requests? (?:from|by)|(?:export|import) ban|ban on (?:\w+ ){0,2}(?:exports|imports)|"
     r"lift\w* (?:[\w-]+ ){0,5}(?:ban|suspension|embargo|moratorium)\b|"
     r"consider\w* (?!(?:existing|ongoing|growing|leading|remaining|following|upcoming|"
     r"outstanding|pending|increasing|rising|emerging|underlying)\b)\w{3,}ing\b"),
]  # fmt: skip

DESIGNATION_WORDS = {
    "banned": r"banned|outlawed|prohibited|proscribed",
    "restricted": r"restricted",
    "sanctioned": r"sanctioned|under sanctions",
    "listed": r"listed|designated|blacklisted",
}


def words(pattern: str) -> re.Pattern:
    """``pattern`` as whole words, any case."""
    return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)


def title_in(name: str) -> str:
    """The canonical title in a post's name: "Russian Ambassador to Afghanistan" →
    "ambassador"; "Minister of Agriculture of Kazakhstan" → "agriculture minister"."""
    m = MINISTER.search(name)
    if m:
        return canonical_title(m.group())
    m = TITLE.search(name)
    return canonical_title(m.group()) if m else ""


def canonical_title(raw: str) -> str:
    text = re.sub(r"\s+", " ", raw.strip()).lower()
    # "Minister of State for Foreign Trade" is a state minister, as "State Minister for Trade"
    text = re.sub(r"^(minister|secretary) of state (for|of) ", r"state \1 \2 ", text)
    m = re.fullmatch(
        r"((?:deputy |acting |first deputy |coordinating |state )?)"
        r"(minister|secretary|advis[eo]r) (?:of|for) (.+)",
        text,
    )
    if m:
        portfolio = m.group(3).removesuffix(" affairs").removeprefix("the ")
        return f"{m.group(1)}{portfolio} {m.group(2)}"
    return text.replace("foreign affairs minister", "foreign minister")


TITLE = words("|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True)))
#: Several portfolios in one post: "Minister of Investment, Industry and Trade".
_PORTFOLIO_LIST = rf"{PORTFOLIOS}(?:(?:,\s*|,?\s+and\s+){PORTFOLIOS})*"
MINISTER = re.compile(
    rf"(?:(?:First )?Deputy |Acting |Coordinating |State )?"
    rf"(?:(?:Minister|Secretary|Advis[eo]r)(?: of State)? (?:of|for) (?:the )?{_PORTFOLIO_LIST}|"
    rf"{PORTFOLIOS} (?:Minister|Secretary|Advis[eo]r))(?![\w-])",
    re.IGNORECASE,
)
