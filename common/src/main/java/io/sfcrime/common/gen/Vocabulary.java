package io.sfcrime.common.gen;

import java.util.List;

/**
 * The words generated records are made of, taken from the public Udacity sample so that generated data looks
 * and groups like the real thing (see data/README.md for its provenance).
 */
final class Vocabulary {
    /** All 109 crime type names of the real sample, most frequent first: Zipf ranks follow this order. */
    static final List<String> CRIME_TYPES = List.of(
            "Passing Call", "Traffic Stop", "Muni Inspection", "Suspicious Vehicle", "Audible Alarm",
            "Traf Violation Cite", "Suspicious Person", "Fight No Weapon", "22500e", "Trespasser",
            "Auto Boost / Strip", "Noise Nuisance", "Well Being Check", "601", "Assault / Battery", "Poss",
            "Traf Violation Tow", "Jo", "Homeless Complaint", "Meet W/citizen", "Burglary", "22500f", "Meet W/officer",
            "H&r Veh Accident", "Caser", "Petty Theft", "Prowler", "J/o", "Vandalism", "7.2.27", "Complaint Unkn",
            "Rep", "Vehicle Alarm", "Aided Case", "909", "Drunk Driver", "H&r Injury Accident", "Party", "518",
            "Veh Accident", "Injury Veh Accident", "Return", "Shots Fired", "Suicide Attempt", "Person Screaming",
            "Arrest Made", "917", "At Risk", "Fight No Weapon Dv", "594", "Agg Assault / Adw", "Fraud",
            "Indecent Exposure", "910", "7.2.25", "Missing Juvenile", "Citizen Arrest", "Att", "Strongarm Robbery",
            "Fire", "Fireworks", "Intoxicated Person", "Vict", "Person W/gun", "Silent Alarm", "Explosion",
            "Road Rage Poss", "Loud Party", "22500b", "Ro", "Graffiti Vandalism", "Heated", "Npat", "Ip", "Reckless",
            "Atv & Mc", "21211", "Roommates", "Poss Rep", "Pay Dispute", "Recovered", "917 Drugs", "Ringing Doorbell",
            "Person Breaking In", "Report", "Aggr Soliciting", "Drug Users", "Verbal/nabor", "Wanted Vehicle / Sub",
            "Nabors", "415", "Casers", "Robbery", "245 Poss", "Loud Music", "Squatters", "Family", "853",
            "Squatter/916", "Veh Vs. Ped", "459", "Drugs", "811", "Rep/survellience", "Missing Adult", "Attempt",
            "5150 Eval", "Loitering", "222 Poss");

    /**
     * Disposition codes with weights: the radio-code table's codes roughly as often as in the real sample,
     * "Not recorded" (which the table lacks, 19% of the sample), and codes of the full dataset that the table
     * lacks, so that the description join meets unknown codes.
     */
    static final List<String> DISPOSITIONS = List.of(
            "HAN", "Not recorded", "ADV", "CIT", "REP", "GOA", "UTL", "ND", "NOM", "PAS", "CAN", "ADM", "ABA", "NCR",
            "22", "ARR", "SFD", "CSA", "CRM", "VAS",
            "GEN", "OTS", "INC", "DUP", "TOW", "CHP");
    static final double[] DISPOSITION_WEIGHTS = {
            169, 121, 66, 65, 51, 35, 27, 25, 22, 20, 15, 5, 3, 3,
            2, 2, 1, 1, 1, 1,
            3, 2, 2, 2, 1, 1};

    static final List<String> ADDRESS_TYPES = List.of("Intersection", "Premise Address", "Common Location",
            "Geo-Override");
    static final double[] ADDRESS_TYPE_WEIGHTS = {246, 242, 117, 27};

    static final List<String> STREETS = List.of(
            "Mission St", "Market St", "Geary Bl", "Haight St", "Howard St", "Folsom St", "Bryant St",
            "Harrison St", "Valencia St", "Van Ness Av", "Divisadero St", "Fillmore St", "Polk St", "Larkin St",
            "Ellis St", "Eddy St", "Turk St", "Golden Gate Av", "Mcallister St", "Fulton St", "Grove St", "Hayes St",
            "Oak St", "Fell St", "Broadway", "Columbus Av", "Grant Av", "Stockton St", "Powell St", "Mason St",
            "Taylor St", "Jones St", "Leavenworth St", "Hyde St", "California St", "Pine St", "Bush St", "Sutter St",
            "Post St", "Ofarrell St", "Clement St", "Balboa St", "Irving St", "Judah St", "Noriega St", "Taraval St",
            "Ocean Av", "Geneva Av", "3rd St", "4th St", "5th St", "6th St", "7th St", "16th St", "18th St", "24th St",
            "19th Av", "20th Av", "Dolores St", "Castro St", "Church St", "Cesar Chavez St", "Alemany Bl",
            "Bayshore Bl", "Evans Av", "Lombard St", "Chestnut St", "Bay St", "Beach St", "The Embarcadero Nor");

    /** Common locations with the block they stand on. */
    static final List<String[]> COMMON_LOCATIONS = List.of(
            new String[] {"3300 Block Of 20th Av", "Stonestown Galleria, Sf"},
            new String[] {"1500 Block Of Haight St", "Haight St Corridor, Sf"},
            new String[] {"600 Block Of Dolores St", "Mission Dolores Park"},
            new String[] {"0 Block Of Telegraph Hill Bl", "Coit Tower"},
            new String[] {"1500 Block Of Sloat Bl", "Lakeshore Pz, Sf"},
            new String[] {"600 Block Of Buena Vista Av W", "Buena Vista Park, Sf"},
            new String[] {"700 Block Of Great Hy", "Ocean Beach Parking Lot - Balboa, Sf"},
            new String[] {"100 Block Of Christmas Tree Point Rd", "Twin Peaks Viewpoint"},
            new String[] {"300 Block Of Geary St", "Union Square, Sf"},
            new String[] {"100 Block Of 34th Av", "Legion Of Honor"},
            new String[] {"0 Block Of The Embarcadero Sou", "Ferry Bldg, Sf"},
            new String[] {"500 Block Of Clement St", "Clement St Corridor, Sf"},
            new String[] {"1300 Block Of 3rd St", "Southern Station, Sf"},
            new String[] {"2900 Block Of Taylor St", "Fishermans Wharf, Sf"},
            new String[] {"800 Block Of Mission St", "5th & Mission Garage, Sf"},
            new String[] {"900 Block Of Columbus Av", "North Beach Library, Sf"},
            new String[] {"800 Block Of Moscow St", "Crocker Amazon Plgd, Sf"},
            new String[] {"100 Block Of Cyril Magnin St", "Wyndham Parc 55 Hotel, Sf"},
            new String[] {"400 Block Of 11th St", "Dna Lounge, Sf"},
            new String[] {"700 Block Of Jamestown Av", "Candlestick Park, Sf"});

    /** City spellings and weights: mostly San Francisco, some empty, a few neighbouring places as in the sample. */
    static final List<String> CITIES = List.of("San Francisco", "", "Treasure Isla", "Hunters Point", "Daly City");
    static final double[] CITY_WEIGHTS = {610, 15, 5, 1, 1};

    private Vocabulary() {
    }
}
