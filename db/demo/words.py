"""Word lists the demo names are composed from, written for Mixmap (no real catalogue data).

The lists are deliberately ordinary words and common given names: combined at random they read like
song titles and artist names without naming anyone real on purpose.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """The whitespace-separated words of ``text``, each once, in order."""
    return list(dict.fromkeys(text.split()))


FIRST_NAMES = _words(
    """
Maya Leo Nora Eli Ava Theo Iris Jonah Lena Felix Mila Oscar Ruby Hugo Clara Milo Zoe Jude Ivy Omar
Elsa Caleb Nina Ezra Hazel Levi Alma Rhys Cora Tobias Freya Aaron Lucia Silas Mae Isaac June Abel
Vera Simon Edie Miles Rosa Adrian Tessa Arlo Greta Dante Noemi Joel Lila Vince Dara Reid Anya Cole
Bianca Emmett Celia Wes Daisy Roman Esme Nolan Faye Gideon Gemma Harvey Ingrid Jasper Kira Lionel
Marnie Nico Opal Pascal Quinn Rowan Sage Talia Ulrich Viola Wren Xavi Yara Zane Amara Bruno Carmen
Dorian Elodie Frankie Gus Hattie Ines Jamal Keira Lars Mira Nadia Otis Priya Rafe Saskia Tariq Una
Vaughn Willa Yusuf Zadie Ansel Beatrix Cyrus Delia Ellis Fern Grady Helena Idris Juno Kofi Lorna
"""
)

LAST_NAMES = _words(
    """
Collins Hart Reyes Novak Lindqvist Okafor Brennan Castillo Moreau Fischer Delgado Harlow Ashby
Quinlan Whitaker Sato Varga Ellery Mercer Rowe Calloway Dunmore Fairbanks Gallo Hensley Ingram
Jansen Kessler Lachance Maddox Navarro Oakley Prescott Quarry Radley Sorensen Thorne Underhill Vance
Wexler Yates Zimmer Abernathy Blackwood Corliss Dalton Everly Fontaine Granger Holloway Iverson
Jorgensen Kincaid Lockhart Marlow Nightingale Osei Pemberton Rainier Sinclair Tennant Ventura
Winslow Achebe Barrow Carver Drummond Eastman Fairweather Goodwin Haddad Jameson Keel Larkin
Mendez Norwood Orlov Paige Redfern Salas Tully Upton Valente Wilder Bishop Crane Darby Emery Frost
Gale Hale Irwin Kane Lowell Monroe North Pryor Quaid Rhodes Stroud Tate Vale Webb Wolfe York
"""
)

SPANISH_FIRST = _words(
    """
Alejandro Camila Mateo Valentina Santiago Lucía Diego Sofía Javier Isabella Nicolás Daniela Andrés
Mariana Emilio Gabriela Tomás Renata Joaquín Paula Rafael Ximena Bruno Elena Marco Julieta Sebastián
Carla Adrián Abril Iván Luna Gael Regina Hugo Paloma Ulises Alba Rodrigo Noelia
"""
)

SPANISH_LAST = _words(
    """
Rivera Morales Ortega Castro Vargas Romero Herrera Medina Aguilar Rojas Fuentes Cabrera Navarro
Paredes Ibarra Soto Montes Cordero Salazar Peña Luna Campos Vega Ríos Mejía Duarte Bravo Serrano
Quintero Rosales Lozano Acosta Miranda Valdez Espinoza Cortés Solís Villa Arroyo Prieto
"""
)

ADJECTIVES = _words(
    """
Golden Electric Silver Velvet Broken Endless Hollow Midnight Neon Paper Crystal Wild Quiet Burning
Frozen Restless Lonely Sweet Bitter Distant Faded Shining Silent Crimson Violet Blue Scarlet Amber
Emerald Cosmic Lucky Reckless Tender Savage Gentle Hidden Secret Sacred Lost Young Heavy Lucid
Radiant Wicked Strange Fragile Brave Hungry Lazy Drowsy Rusty Sugar Honey Glass Stone Iron Wooden
Painted Twisted Starry Cloudy Sunny Stormy Rainy Misty Dusty Salty Holy Royal Modern Ancient
Analog Digital Magnetic Atomic Plastic Liquid Solar Lunar Northern Southern Western Eastern Coastal
Urban Rural Tropical Arctic Desert Ocean Summer Winter Autumn Spring Morning Evening Weekend
Secondhand Electric Runaway Borrowed Blinding Falling Rising Dancing Sleeping Waking Wandering
Burning Dreaming
"""
)

NOUNS = _words(
    """
Heart Night Light Fire Rain River Ocean Dream Shadow Mirror Window Highway Summer Winter Echo Signal
Satellite Garden Forest Desert City Street Avenue Skyline Horizon Daylight Moonlight Starlight
Thunder Lightning Storm Wave Tide Shore Island Mountain Valley Canyon Meadow Orchard Harbor Station
Engine Radio Telephone Letter Promise Secret Memory Morning Evening Midnight Season Feeling Fever
Poison Medicine Paradise Heaven Angel Devil Ghost Stranger Lover Friend Rebel Runaway Wanderer
Dancer Dreamer Sailor Soldier Kingdom Empire Palace Castle Tower Bridge Tunnel Ladder Circle Spiral
Compass Anchor Arrow Rocket Comet Planet Galaxy Orbit Eclipse Aurora Prism Crystal Diamond Gold
Silver Velvet Silk Cotton Leather Feather Petal Rose Lily Violet Ivy Honey Sugar Candy Cherry Lemon
Peach Wine Whiskey Coffee Smoke Ash Dust Stone Bone Blood Tears Kiss Touch Whisper Voice Song Melody
Rhythm Drum Guitar Piano Chorus Verse Anthem Lullaby Serenade Parade Carnival Circus Party Festival
Holiday Vacation Weekend Tuesday Sunday Thursday October December Ninety Seven Eleven Hundred
Machine Motor Wire Static Pulse Frequency Voltage Current Circuit Neon Laser Hologram Cassette
Vinyl Polaroid Postcard Diary Novel Poem Story Chapter Ending Beginning Moment Forever Tomorrow
Yesterday Tonight Gravity Fortune Chance Mercy Glory Freedom Wonder Silence Thunderbird Firefly
Butterfly Wolf Tiger Lion Fox Raven Swan Dove Falcon Horse Dragon Serpent Shark Whale Dolphin
"""
)

GERUNDS = _words(
    """
Chasing Holding Burning Calling Falling Running Dancing Dreaming Waiting Breaking Fading Shining
Driving Flying Drifting Floating Hiding Losing Finding Keeping Leaving Missing Counting Turning
Wishing Watching Waking Walking Talking Singing Crying Laughing Sleeping Spinning Racing Rolling
Riding Reaching Sinking Swimming Stealing Saving Healing Fighting Feeling Living Loving Thinking
"""
)

# Transitive verbs only: titles put an object after them ("Hold Me", "Chase the Light").
VERBS = _words(
    """
Hold Call Chase Burn Break Catch Drive Follow Forget Keep Kiss Leave Lose Love Miss Need Save Shake
Show Take Tell Touch Trust Wake Want Light Find Bring Give Carry Remember Hear Free Hide Hunt Feed
"""
)

SPANISH_WORDS = _words(
    """
Corazón Noche Fuego Luna Sol Cielo Mar Playa Calle Ciudad Baile Ritmo Sabor Amor Beso Tiempo Vida
Sueño Verano Lluvia Estrella Camino Fiesta Mañana Alma Locura Pasión Perreo Candela Caramelo Tequila
Bandida Morena Bonita Mía Tuya Contigo Sin Ti Despacio Suave Fuerte Dulce Loco Solo Juntos Otra Vez
Bailando Quédate Vuelve Dime Mírame Llámame Dame Siente Olvídame Volver Soñar Bésame
"""
)

# (pattern, share): one-word titles are real but repeat quickly, so they are rare.
SPANISH_TITLE_PATTERNS = (
    ("{a} {b}", 0.3),
    ("{a} de {b}", 0.25),
    ("Mi {a}", 0.1),
    ("{a}", 0.05),
    ("Sin tu {a}", 0.1),
    ("{a} y {b}", 0.2),
)

CLASSICAL_FORMS = _words(
    """
Sonata Nocturne Prelude Étude Concerto Symphony Fugue Suite Waltz Mazurka Partita Serenade Ballade
Impromptu Rhapsody Fantasia Toccata Sinfonia Divertimento Intermezzo Barcarolle Requiem Canon
"""
)

CLASSICAL_MOVEMENTS = _words(
    """
Allegro Adagio Andante Presto Largo Moderato Scherzo Allegretto Vivace Lento Andantino Grave Rondo
Menuetto Larghetto Maestoso
"""
)

ROMAN = ("I", "II", "III", "IV")

PITCH_NAMES = (
    "C", "C-sharp", "D", "E-flat", "E", "F", "F-sharp", "G", "A-flat", "A", "B-flat", "B"
)  # fmt: skip

# Stage names and project aliases are built from syllables: a large space of pronounceable words.
SYLLABLES = _words(
    """
ka lo ve ra mi zo an el ty ri no sa vo ke lu ma xe da fi ne or ly sol ar ith en ko mu ze vi
ta bra kri ven dal mor syn ae qui ro
"""
)

RAPPER_PREFIXES = ("Lil", "Young", "Big", "MC", "Yung", "Kid", "King", "Saint", "Smooth", "OG")

BAND_NOUNS_PLURAL = _words(
    """
Wolves Kids Lights Ghosts Horses Strangers Sparks Rebels Saints Echoes Shadows Lovers Giants
Machines Satellites Comets Arrows Ravens Tigers Foxes Dreamers Runaways Wanderers Riders Sailors
Sirens Crowns Flowers Mirrors Engines Signals Rivers Mountains Islands Monsters Pilots Vandals
Hearts Owls Crows Hounds Bees Moths Lanterns Candles Bells Keys Stones Waves
"""
)

JAZZ_ENSEMBLES = ("Trio", "Quartet", "Quintet", "Sextet", "Ensemble", "Orchestra", "Big Band")

CLASSICAL_ENSEMBLES = (
    "Chamber Orchestra",
    "String Quartet",
    "Philharmonic",
    "Symphony Orchestra",
    "Consort",
    "Piano Trio",
)

CITY_WORDS = _words(
    """
Vienna Lisbon Prague Oslo Bergen Lyon Turin Leipzig Kraków Ghent Bilbao Porto Riga Tallinn Salzburg
Bruges Geneva Seville Malmö Aarhus
"""
)

KPOP_WORDS = _words(
    """
Nova Stellar Luna Aurora Blossom Crystal Dream Galaxy Prism Starlit Velvet Eclipse Halo Neon Orbit
Pulse Echo Shine Bloom Candy Sugar Moon Sky Wave Spark Heart Jewel Lotus Phoenix Cosmo
"""
)

KPOP_SUFFIXES = ("", "X", "9", "7", " Kiss", " Girls", " Boys", "ZONE", " Club", "DAY", "4U")

ALBUM_WORDS = _words(
    """
Collection Sessions Stories Tapes Diaries Chronicles Letters Notes Sketches Reflections Visions
Colours Seasons Memories Horizons Journeys Dreams Lights Nights Songs Echoes Fragments
"""
)

EDITION_SUFFIXES = ("", "", "", "", " (Deluxe)", " (Remastered)", " (Expanded Edition)")
MIX_SUFFIXES = ("", "", "", " - Extended Mix", " - Original Mix", " - Radio Edit", " - Club Mix")
