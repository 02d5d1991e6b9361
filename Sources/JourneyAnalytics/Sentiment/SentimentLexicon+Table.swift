// The lexicon for short customer feedback in English, written for Wayfinder.
//
// Each line is `valence term`: a valence from -4 (extremely negative) to 4 (extremely positive),
// then a word or a phrase of two or three words. `+ term` is a booster (raises the magnitude of the
// next sentiment term by 0.293), `- term` a dampener (lowers it by 0.293). In a phrase `~` stands
// for any negator (`~ work` matches "doesn't work", "not working" takes `~ working`). Lines
// starting with `#` are comments. Words are matched lower-cased; hyphenated words are one word.

extension SentimentLexicon {
    /// Words that flip and dampen the sentiment of a term up to three words after them; any word
    /// ending in "n't" is a negator too.
    static let negators = [
        "not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "cannot", "without", "hardly",
        "rarely", "seldom", "nope", "zero", "dont", "doesnt", "didnt", "cant", "couldnt", "wont", "wouldnt", "shouldnt", "isnt",
        "wasnt", "arent", "werent", "havent", "hasnt", "hadnt", "aint", "neednt", "mustnt",
    ]

    /// Words after which the clause carries 1.5 times the weight and the clause before 0.5 times.
    static let contrasts = ["but", "however"]

    /// Emoji, matched by their first scalar (skin tones and variation selectors are ignored).
    static let emojiTable: [(String, Double)] = [
        ("😀", 2.2), ("😃", 2.3), ("😄", 2.3), ("😁", 2.2), ("😊", 2.3), ("🙂", 1.5), ("😍", 2.8), ("🥰", 2.8),
        ("😎", 1.6), ("🤩", 2.8), ("😂", 1.5), ("🤣", 1.5), ("😉", 1.4), ("❤", 2.6), ("💕", 2.4), ("💖", 2.5),
        ("💯", 2.2), ("👍", 1.9), ("👌", 1.8), ("👏", 2.0), ("🙌", 2.1), ("🎉", 2.3), ("🥳", 2.4), ("⭐", 1.6),
        ("🌟", 2.0), ("✅", 1.2), ("🙏", 1.3), ("😐", -0.3), ("😕", -1.3), ("🙁", -1.6), ("☹", -1.8), ("😞", -2.0),
        ("😟", -1.7), ("😢", -2.2), ("😭", -2.3), ("😠", -2.5), ("😡", -2.8), ("🤬", -3.2), ("😤", -2.0), ("😒", -1.7),
        ("🙄", -1.6), ("😩", -2.1), ("😫", -2.1), ("🤮", -2.8), ("🤢", -2.3), ("👎", -2.1), ("💩", -2.2), ("💔", -2.4),
        ("❌", -1.2), ("😬", -1.0),
    ]

    /// Emoticons written with ASCII punctuation.
    static let emoticonTable: [(String, Double)] = [
        (":)", 2.0), (":-)", 2.0), ("=)", 1.8), (":]", 1.8), (":D", 2.3), (":-D", 2.3), (";)", 1.5), (";-)", 1.5),
        ("<3", 2.5), (":(", -2.0), (":-(", -2.0), (":'(", -2.3), (">:(", -2.6), (":/", -1.1), (":-/", -1.1),
        (":|", -0.4), ("</3", -2.3),
    ]

    /// Words and phrases with their valence; boosters and dampeners.
    static let table = """
    # boosters and dampeners
    + absolutely
    + amazingly
    + completely
    + especially
    + exceptionally
    + extremely
    + entirely
    + far
    + greatly
    + highly
    + hugely
    + incredibly
    + insanely
    + massively
    + most
    + particularly
    + pretty
    + quite
    + really
    + remarkably
    + ridiculously
    + seriously
    + so
    + such
    + super
    + terribly
    + thoroughly
    + too
    + totally
    + truly
    + unbelievably
    + utterly
    + very
    + way
    + fully
    + beyond
    + soooo
    + sooo
    + realy
    + well
    + ~ be more
    + ~ had such
    + ~ seen such
    - slightly
    - somewhat
    - barely
    - marginally
    - occasionally
    - partly
    - partially
    - mildly
    - fairly
    - relatively
    - rather
    - mostly
    - bit
    - little
    - kinda
    - sorta
    - kind of
    - sort of
    - a tad
    - almost
    # general positive
    3.1 great
    1.9 good
    3.2 excellent
    2.9 amazing
    3.0 awesome
    3.0 fantastic
    2.9 brilliant
    3.0 superb
    3.1 outstanding
    3.0 wonderful
    2.9 perfect
    2.5 perfectly
    2.8 lovely
    3.1 love
    2.9 loved
    2.7 loves
    2.6 loving
    1.8 liked
    1.6 likes
    1.6 i like
    1.6 we like
    1.6 like it
    1.8 nice
    1.5 nicely
    2.6 happy
    2.3 happier
    2.0 glad
    2.1 pleased
    3.0 delighted
    1.8 satisfied
    2.9 thrilled
    2.4 impressed
    2.5 impressive
    2.2 pleasant
    2.1 enjoy
    2.2 enjoyed
    2.0 enjoyable
    2.2 fun
    2.7 beautiful
    2.7 beautifully
    2.7 gorgeous
    1.9 stylish
    2.3 wow
    2.3 yay
    2.4 fab
    2.9 fabulous
    3.0 terrific
    2.7 incredible
    3.0 exceptional
    2.9 flawless
    2.9 faultless
    3.0 best
    1.9 better
    3.0 excellently
    2.6 marvellous
    2.6 marvelous
    2.4 stellar
    2.2 spot-on
    2.3 spot on
    2.6 top-notch
    2.6 top notch
    2.2 first-class
    2.2 first class
    2.6 five stars
    2.6 5 stars
    2.8 five star
    2.8 5 star
    2.2 recommend
    1.9 recommended
    1.9 recommending
    1.9 thanks
    1.7 thank
    2.0 thankful
    2.3 grateful
    1.9 appreciate
    2.0 appreciated
    1.3 fortunately
    1.2 luckily
    1.7 happily
    1.3 kindly
    2.4 success
    2.2 successful
    2.3 win
    1.5 winner
    0.0 as well
    2.0 well done
    2.0 well made
    2.0 well-made
    1.8 well organised
    1.8 well organized
    1.6 well worth
    # acceptable, middling
    0.9 ok
    0.9 okay
    1.0 fine
    0.9 alright
    1.3 decent
    0.9 acceptable
    0.5 adequate
    1.1 reasonable
    0.6 reasonably
    1.2 satisfactory
    1.3 solid
    -0.9 meh
    -1.1 mediocre
    -0.8 so-so
    -0.8 underwhelming
    -1.5 underwhelmed
    -0.6 average at best
    # general negative
    -2.3 bad
    -1.9 badly
    -2.1 worse
    -3.0 worst
    -2.0 poor
    -1.8 poorly
    -2.8 terrible
    -2.8 awful
    -2.2 awfully
    -2.8 horrible
    -3.0 horrendous
    -2.8 dreadful
    -3.0 atrocious
    -3.0 abysmal
    -3.0 appalling
    -2.7 shocking
    -1.5 shocked
    -2.8 disgusting
    -2.8 disgusted
    -2.6 unacceptable
    -2.0 ridiculous
    -1.5 joke
    -2.7 nightmare
    -2.9 disaster
    -2.6 disastrous
    -2.7 shambles
    -2.6 shambolic
    -2.7 hate
    -2.6 hated
    -2.5 hates
    -1.6 dislike
    -1.7 disliked
    -2.0 regret
    -2.0 regretted
    -2.2 unhappy
    -1.9 upset
    -2.4 angry
    -3.0 furious
    -3.0 livid
    -2.6 fuming
    -1.8 sad
    -1.4 sadly
    -1.4 unfortunately
    -1.4 shame
    -1.2 pity
    -2.3 gutted
    -2.2 disappointed
    -2.3 disappointing
    -2.3 disappointment
    -2.0 let down
    -2.0 letdown
    -2.2 frustrating
    -2.0 frustrated
    -2.0 frustration
    -2.0 annoying
    -1.8 annoyed
    -1.9 irritating
    -1.7 irritated
    -1.5 worried
    -1.0 worry
    -1.6 anxious
    -1.4 nervous
    -2.0 stressful
    -1.8 stressed
    -1.5 stress
    -1.6 embarrassing
    -2.0 fed up
    -2.0 sick of
    -2.0 tired of
    -2.0 ~ again
    -2.4 useless
    -1.8 pointless
    -2.3 hopeless
    -2.3 pathetic
    -2.0 rubbish
    -2.2 garbage
    -2.4 crap
    -2.3 crappy
    -2.7 sucks
    -1.9 sucked
    -2.5 worthless
    -1.5 unfortunate
    -0.5 sorry
    -1.2 sorry to say
    -0.9 hmm
    -2.0 ugh
    -1.5 wtf
    -2.5 scam
    -2.8 fraud
    -2.6 lied
    -2.2 lies
    -2.1 misleading
    -2.2 misled
    -2.7 cheated
    -2.5 ripped off
    -2.8 rip off
    -2.8 rip-off
    -2.8 ripoff
    -2.6 waste of money
    -2.5 waste of time
    -2.0 waste
    -2.0 wasted
    # fit, sizing, product quality
    1.2 fits
    0.8 fit well
    1.5 fits well
    1.6 true to size
    -1.6 ~ fit
    -1.6 ~ fits
    -1.4 too small
    -1.4 too big
    -1.4 too tight
    -1.3 too large
    -1.2 too short
    -1.2 too long
    -1.1 runs small
    -1.0 runs large
    -1.7 wrong size
    -1.7 wrong item
    -1.6 wrong colour
    -1.6 wrong color
    -1.8 wrong
    -1.6 incorrect
    -1.4 mistake
    -1.6 mistakes
    -0.8 tight
    1.8 comfortable
    1.7 comfy
    -1.8 uncomfortable
    -1.4 itchy
    0.9 soft
    1.5 sturdy
    1.6 durable
    -1.8 flimsy
    -2.0 cheaply made
    -1.8 cheap looking
    0.2 cheap
    1.8 high quality
    1.8 good quality
    2.3 top quality
    2.0 great quality
    -1.9 low quality
    -2.2 poor quality
    0.6 quality
    -1.7 shrunk
    -1.2 faded
    -1.8 ripped
    -1.8 torn
    -1.6 stained
    -1.3 scratched
    -2.4 fell apart
    -2.2 falling apart
    -2.0 broken
    -1.6 broke
    -1.6 breaks
    -2.0 faulty
    -2.2 defective
    -2.0 damaged
    -1.8 dented
    -1.5 missing
    -1.5 lost
    -1.3 ~ match
    -1.3 ~ matched
    -1.3 ~ as described
    1.4 as described
    1.3 as pictured
    0.8 as expected
    1.4 as promised
    1.6 exactly what
    -1.4 ~ what i
    1.3 clean
    1.2 tidy
    1.9 spotless
    -1.8 dirty
    -1.6 smelly
    -1.8 mess
    -1.6 messy
    -1.2 noisy
    -1.8 leak
    -1.8 leaks
    -2.0 leaking
    -1.8 leaky
    # delivery, waiting, speed
    1.4 on time
    -1.6 ~ on time
    1.2 on schedule
    1.3 ahead of schedule
    1.3 quick
    1.1 quickly
    1.3 fast
    1.4 speedy
    1.5 prompt
    1.5 promptly
    1.3 swift
    1.2 swiftly
    1.8 efficient
    1.6 efficiently
    0.5 in stock
    -1.3 out of stock
    -1.0 sold out
    -1.3 slow
    -1.0 slowly
    -1.5 sluggish
    -1.4 delay
    -1.4 delays
    -1.5 delayed
    -1.4 late
    -1.4 lateness
    -1.6 took too long
    -1.8 took ages
    -2.0 took forever
    -1.0 ages
    -0.6 waiting
    -0.8 waited
    -1.8 long wait
    -1.6 kept waiting
    -1.6 still waiting
    -1.5 on hold
    -0.5 queue
    -0.7 queues
    -1.4 long queue
    -2.0 ~ arrive
    -2.0 ~ arrived
    -2.0 ~ turned up
    -1.8 ~ turn up
    -2.0 ~ showed up
    -1.8 ~ show up
    -1.6 ~ delivered
    -1.6 ~ received
    -1.5 ~ receive
    -1.8 ~ come
    -1.8 ~ came
    0.9 arrived quickly
    # price, payment, returns
    1.5 affordable
    2.0 bargain
    1.9 value for money
    0.8 good value
    1.9 worth it
    2.6 worth every penny
    1.9 worth the money
    1.4 worth
    1.9 worthwhile
    -1.8 ~ worth
    -2.0 ~ worth it
    -1.3 expensive
    -1.0 pricey
    -2.0 overpriced
    -1.0 costly
    -2.3 overcharged
    -2.2 overcharging
    -2.0 hidden fees
    -2.0 hidden charges
    -2.0 hidden costs
    -2.0 charged twice
    -2.2 double charged
    -1.8 extra charge
    0.6 discount
    0.6 free
    1.3 free delivery
    1.3 free returns
    1.4 free of charge
    -1.3 declined
    -1.4 rejected
    -1.4 refused
    -0.5 refund
    0.9 refunded
    1.6 full refund
    -1.8 ~ refunded
    -1.8 ~ refund
    -1.0 cancel
    -1.1 cancelled
    -1.1 canceled
    -1.0 cancelling
    -1.0 cancellation
    1.5 easy returns
    1.3 secure
    1.4 safe
    # support, service, people
    2.1 helpful
    1.7 help
    1.5 helped
    2.1 friendly
    1.8 polite
    1.9 kind
    1.4 kindness
    2.0 caring
    2.3 compassionate
    1.9 welcoming
    1.2 warm
    1.4 calm
    1.4 patiently
    1.8 professional
    1.7 professionally
    1.8 knowledgeable
    1.5 expert
    1.4 expertise
    1.6 thorough
    1.5 thoroughly explained
    2.0 attentive
    1.6 responsive
    1.8 proactive
    1.9 reassuring
    1.7 reassured
    1.5 listened
    1.7 understanding
    1.4 courteous
    1.9 honest
    1.5 transparent
    2.0 trustworthy
    1.6 trust
    1.5 trusted
    1.9 reliable
    1.6 dependable
    1.8 confident
    1.3 confidence
    2.6 above and beyond
    2.5 extra mile
    2.2 went out of
    1.8 sorted
    1.7 resolved
    1.7 solved
    1.3 fixed
    1.4 clear
    1.4 clearly explained
    1.5 informative
    1.8 useful
    1.8 valuable
    1.3 explained
    -2.4 rude
    -2.0 unhelpful
    -2.3 unprofessional
    -2.0 dismissive
    -1.8 dismissed
    -2.2 arrogant
    -2.6 incompetent
    -2.6 incompetence
    -2.0 ignored
    -1.8 ignoring
    -1.8 careless
    -1.6 rushed
    -1.8 pushy
    -2.0 unresponsive
    -2.0 unreliable
    -1.7 clueless
    -1.5 patronising
    -1.5 patronizing
    -1.6 condescending
    -1.4 ~ listen
    -1.7 ~ listened
    -1.8 ~ respond
    -1.8 ~ responded
    -1.6 ~ reply
    -1.8 ~ replied
    -1.8 ~ heard back
    -1.6 ~ call back
    -1.8 ~ called back
    -1.4 ~ answer
    -1.6 ~ answered
    -1.8 ~ fixed
    -1.8 ~ resolved
    -1.6 ~ sorted
    -1.6 ~ solved
    -1.3 ~ explained
    -1.2 ~ told
    -1.3 ~ informed
    -1.2 ~ updated
    -1.2 ~ helped
    -1.0 had to ask
    -1.6 had to chase
    -1.2 had to call
    -1.4 had to wait
    -1.4 had to repeat
    -1.2 had to explain
    -1.3 chase
    -1.4 chased
    -1.4 chasing
    -0.6 transferred
    -1.6 passed around
    -2.0 runaround
    -2.0 run around
    -1.8 went silent
    -0.9 escalate
    -1.0 escalated
    -0.8 escalation
    -1.2 bounced
    -1.6 hassle
    1.8 hassle-free
    1.8 hassle free
    1.6 ~ hassle
    1.2 ~ problem
    1.3 ~ problems
    1.2 ~ a problem
    1.4 ~ issues
    1.4 ~ issue
    1.7 ~ complaints
    1.6 ~ complaint
    2.0 ~ fault
    1.9 ~ fault it
    3.0 ~ be happier
    2.6 ~ be better
    2.4 ~ be easier
    -2.6 ~ be worse
    1.5 ~ bad
    1.5 ~ too bad
    1.4 ~ bad at
    1.8 ~ wait to
    -1.6 complain
    -1.5 complaint
    -1.6 complaints
    -1.5 complained
    -1.6 problem
    -1.7 problems
    -1.2 issue
    -1.3 issues
    -1.4 fault
    -1.6 faults
    -1.9 fail
    -1.9 failed
    -1.9 fails
    -2.1 failure
    -1.9 failing
    -1.4 struggle
    -1.5 struggled
    -1.5 struggling
    -1.6 ~ help
    -2.0 ~ helpful
    # apps, websites, software
    2.0 intuitive
    1.9 easy
    1.6 easier
    1.4 easily
    1.2 simple
    1.2 simply
    1.5 straightforward
    1.8 smooth
    1.7 smoothly
    2.1 seamless
    2.0 seamlessly
    2.1 effortless
    2.0 user-friendly
    2.0 user friendly
    1.8 powerful
    1.5 robust
    1.4 flexible
    1.3 stable
    1.4 accurate
    1.5 convenient
    1.2 handy
    1.3 works
    1.1 worked
    1.5 works well
    1.8 works perfectly
    1.3 working
    -2.0 ~ work
    -2.0 ~ works
    -2.0 ~ working
    -1.8 ~ worked
    -1.8 ~ load
    -1.8 ~ loading
    -1.8 ~ loads
    -1.2 ~ open
    -1.4 ~ let me
    -1.4 ~ accept
    -1.5 ~ accepted
    -1.2 ~ save
    -1.4 ~ sync
    -1.4 ~ connect
    -1.0 ~ sure
    -1.8 crash
    -2.0 crashes
    -2.0 crashed
    -2.0 crashing
    -1.8 freezes
    -1.8 froze
    -1.8 freezing
    -1.2 frozen
    -1.6 laggy
    -1.1 lag
    -1.2 lags
    -1.4 lagging
    -1.3 bug
    -1.5 bugs
    -2.0 buggy
    -1.4 glitch
    -1.5 glitches
    -1.8 glitchy
    -1.4 error
    -1.5 errors
    -2.0 outage
    -2.0 outages
    -1.8 downtime
    -1.8 unstable
    -2.6 unusable
    -1.8 unreadable
    -1.7 confusing
    -1.3 confused
    -1.4 complicated
    -1.3 convoluted
    -1.5 difficult
    -0.9 hard
    -1.3 awkward
    -1.6 clunky
    -1.2 fiddly
    -1.6 cumbersome
    -1.6 tedious
    -1.6 bloated
    -1.5 outdated
    -1.3 overwhelming
    -1.4 overwhelmed
    -0.8 limited
    -1.3 lacking
    -1.1 lacks
    -0.8 learning curve
    -0.7 steep
    -1.5 spam
    -1.5 spammy
    -1.4 logged out
    -1.2 locked out
    -1.2 gave up
    -1.0 give up
    -1.5 timed out
    -1.2 time out
    -0.6 down
    # health, care, recovery
    -1.6 pain
    -1.8 painful
    -1.5 hurt
    -1.5 hurts
    -1.0 sore
    1.8 pain free
    1.8 pain-free
    1.7 painless
    1.5 less pain
    2.0 pain is gone
    1.9 pain has gone
    -1.8 worsened
    -1.4 worsening
    1.6 recovered
    0.8 recovery
    1.8 healed
    1.7 relief
    1.8 relieved
    1.5 improved
    1.4 improvement
    1.4 improving
    1.2 progress
    1.6 cured
    -1.6 ~ improved
    -1.6 ~ improving
    -1.6 ~ better
    1.4 safe hands
    # energy, homes, installation
    1.0 savings
    0.8 saving
    1.2 saved
    1.5 lower bills
    -1.4 higher bills
    -1.6 ~ generating
    -2.0 breach
    -2.0 breached
    -0.8 jargon
    -0.8 upsell
    -1.0 upselling
    # more general terms
    1.3 cool
    1.2 neat
    2.1 pleasure
    2.2 joy
    1.6 satisfaction
    -2.0 dissatisfied
    -1.8 unsatisfied
    1.3 cheers
    2.0 legend
    2.0 legends
    2.6 second to ~
    -0.8 ~ special
    -2.2 one star
    -2.2 1 star
    -1.2 two stars
    -1.2 2 stars
    0.2 three stars
    0.2 3 stars
    1.8 four stars
    1.8 4 stars
    -2.6 zero stars
    -2.6 0 stars
    -1.8 disorganised
    -1.8 disorganized
    -1.8 chaotic
    -1.7 chaos
    -1.4 inconvenient
    -1.3 inconvenience
    -1.3 unclear
    -1.0 vague
    -1.3 inconsistent
    -1.0 cramped
    -0.8 crowded
    -1.8 lazy
    -1.8 sloppy
    -2.2 shoddy
    -2.0 cowboys
    -2.1 botched
    -1.8 amateurish
    -2.6 horrid
    -2.3 lousy
    -2.3 dire
    -1.6 subpar
    -1.6 sub-par
    -1.4 slower
    1.3 faster
    1.3 quicker
    0.9 cheaper
    -1.0 pricier
    -1.0 harder
    -0.6 longer
    2.6 ~ felt better
    1.4 use again
    1.4 using again
    1.4 order again
    1.4 buy again
    1.4 shop again
    1.4 book again
    1.0 come back
    # found missing while checking against the labelled sample
    1.9 excited
    2.0 exciting
    2.3 easiest
    1.8 fastest
    1.8 quickest
    2.3 friendliest
    2.2 nicest
    -1.0 rubs
    -1.0 rubbed
    -1.5 blister
    -1.6 blisters
    -1.3 ~ warning
    -1.0 ~ notice
    1.8 ~ a hitch
    1.6 ~ hitch
    -2.0 take forever
    -2.0 takes forever
    -2.0 taking forever
    -1.7 ~ listens
    1.0 convinced
    -1.5 ~ get through
    -1.3 ~ called
    -1.0 ~ call
    -1.2 ~ rang
    1.6 at ease
    -1.3 bored
    -1.3 boring
    -1.5 uninterested
    -1.5 disinterested
    -1.4 ~ explanation
    -2.5 unbearable
    -1.3 ~ apologised
    -1.3 ~ apologized
    1.4 ordering again
    1.4 buying again
    1.4 shopping again
    1.4 booking again
    1.0 be back
    0.9 coming back
    1.6 went well
    1.5 gone well
    1.5 going well
    1.4 goes well
    1.5 worked well
    # general vocabulary, second pass
    -2.5 outrageous
    -2.5 filthy
    1.5 gentle
    1.4 careful
    1.2 carefully
    2.0 praise
    1.8 praised
    -0.8 sceptical
    -0.8 skeptical
    -1.4 denied
    -1.8 crushed
    -1.3 throttled
    -1.6 inaccurate
    -1.3 overran
    -1.5 cracked
    -1.3 peeling
    1.6 pleasantly
    -2.0 unpleasant
    -1.2 impatient
    -2.4 hostile
    -2.2 aggressive
    2.6 exquisite
    1.9 elegant
    1.6 cosy
    1.6 cozy
    1.2 spacious
    -1.0 sticky
    -1.4 greasy
    -2.2 mouldy
    -2.2 moldy
    -2.4 rotten
    -1.4 stale
    -2.0 shattered
    -2.0 smashed
    -1.2 bent
    -1.2 wobbly
    -1.0 shaky
    -2.8 disgrace
    -2.8 disgraceful
    -2.5 shameful
    -2.6 scandalous
    -2.3 insulting
    -2.7 infuriating
    -2.4 maddening
    -2.3 exasperating
    -1.7 exhausting
    1.7 diligent
    1.8 meticulous
    1.6 punctual
    1.3 organised
    1.3 organized
    1.5 genuine
    1.6 sincere
    1.8 respectful
    1.8 considerate
    1.8 thoughtful
    2.0 generous
    1.8 accommodating
    1.9 supportive
    1.8 encouraging
    1.6 motivating
    2.2 inspiring
    2.8 delightful
    2.2 charming
    2.1 cheerful
    2.0 enthusiastic
    1.8 passionate
    1.8 skilled
    1.8 skilful
    1.8 skillful
    1.5 competent
    1.3 capable
    1.0 premium
    2.0 luxurious
    1.6 sleek
    1.8 innovative
    1.7 clever
    1.3 smart
    1.2 practical
    1.5 versatile
    -2.3 deceptive
    -2.5 dishonest
    -2.0 shady
    -1.8 dodgy
    -1.6 sketchy
    -2.0 unsafe
    -2.2 dangerous
    -1.2 risky
    -1.7 inadequate
    -1.4 insufficient
    -1.3 incomplete
    -1.3 unfinished
    -1.6 inefficient
    -1.8 ineffective
    -1.4 untidy
    -1.8 neglected
    -1.4 forgotten
    -1.3 forgot
    -1.2 overlooked
    -1.6 unanswered
    -1.7 unresolved
    -1.5 lacklustre
    -1.5 lackluster
    -1.0 bland
    -0.8 lukewarm
    1.8 commend
    2.2 kudos
    2.2 bravo
    2.0 hero
    2.0 heroes
    2.0 gem
    2.4 lifesaver
    2.4 life saver
    2.3 game changer
    2.3 game-changer
    1.8 no-brainer
    -1.6 headache
    -1.6 headaches
    -2.2 ordeal
    -2.6 fiasco
    -2.4 farce
    -2.4 debacle
    -2.2 bungled
    -1.8 blunder
    -1.4 stuck
    -1.9 stranded
    -1.9 abandoned
    -2.0 ghosted
    -2.0 fobbed off
    -1.9 palmed off
    -1.8 brushed off
    -2.0 stonewalled
    -1.4 blame
    -1.5 blamed
    -1.3 excuses
    2.3 pleasantly surprised
    -1.5 expected better
    -1.4 expect better
    -1.5 deserve better
    0.0 ~ but
    """
}
