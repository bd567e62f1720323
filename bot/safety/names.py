"""Personal names in a resident's message: Sudachi's 人名 tags plus context.

Rules (on the folded text, Sudachi SplitMode.C):
1. 姓 followed by 名 (or another 人名), optionally with one space: a full name, always masked.
2. A single 人名 token (姓, 名, or a foreign 人名/一般 like マリア) is masked only in context:
   an honorific after it (さん, 様, くん, ちゃん, 氏, 先生 …), a self-introduction
   (と申します, といいます), a label before it (名前は, 氏名：, 名義, 私は …), or
   「…です」 at the start of a clause when it has two characters or more
   (「東です」 after 出口は is a direction, not a person).
3. Words Sudachi does not know as names count after a label (氏名：ヤマダ) or before
   と申します; after 私は / before といいます only if they are proper nouns or unknown words
   (「私は学生です」 is not a name).
4. Words listed in `not_names` (the city's place names, 百日せき, 者 …) and department-like
   words (…課, …センター) are never names; a name that overlaps one is trimmed.
5. Spellings Sudachi cannot read (いしかわ さくら, Nguyen Van Minh, グエン・ヴァン・ミン,
   マスダヒナ) are found by where they stand: after a label (名前は, 名義, 氏名：), after
   私は / 私、 before です or と申します, before と申します / といいます, alone on a line
   (a signature or the first line of a contact block, also ―― 田中 / 田中より), at the end
   of the message after a space, or as 「グエン・ヴァン・ミンです」 at a clause start. They
   must still look like a name (see `_looks_like_name`): 「名前はカタカナですか」 is kept.
6. Beside a family word (娘の凛が, 息子蒼の — not 夫が酒を, 母子), a kanji word the dictionary
   also lists as a person's name, though Sudachi reads it as a common noun here; a one- or
   two-character surname opening a message or line before 「です、」 (林です、先日…); and a
   proper noun one space before a given name (中野 ハル, やまぐち ゆうこ: read as places).
Once a name is found, its other occurrences in the message are masked too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.retrieval.language import CHINESE, KANA
from ingest.readings import kana_heavy
from ingest.text import SudachiPerThread, fold_kana, sentences, sudachi_dictionary

_HONORIFIC = re.compile(r"^[ ]?(?:さん|さま|様|サマ|君|くん|ちゃん(?!ぽん|ねる)"
                        r"|さ[ーぁ~〜]+ん|ちゃ[ーぁ~〜]+ん"
                        r"|く[ーぅ~〜]+ん|氏|殿|先生|課長|係長|部長"
                        r"|主任|議員|宛て|宛|あて|弁護士|司法書士|行政書士|税理士|医師|院長|園長"
                        r"|校長|教頭|社長|会長)")
_SELF_INTRO = re.compile(r"^[ ]?(?:と[ ]?申します|と申す|と[ ]?いいます|と[ ]?言います"
                         r"|っちゅう(?:もん|者)|ちゅう(?:もん|者)|っつう(?:もん|者)|っていうもん"
                         r"|って[ ]?言います|って[ ]?いいます|と[ ]?(?:いう|言う)者|っていう者)")
_HUMBLE_INTRO = re.compile(r"^[ ]?と申(?:します|す)")
_WEAK = re.compile(r"^[ ]?(?:です|でーす|っす|でございます|だよ|だけど|ですが)")
_LABEL = re.compile(r"(?:名前|氏名|名義|フリガナ|ふりがな|世帯主|申請者|代表者?|契約者|宛名|旧姓"
                    r"|持ち主|所有者)"
                    r"(?:は|:|が)?[ ]?$")
# 「荒木が伺います」「松下が連絡しました」: what follows is something only a person does.
_VISITS = re.compile(r"^[ ]?(?:が|から|より)[ ]?(?:伺|うかが|お伺い|参り|まいり|参ります|ご連絡"
                     r"|連絡し|連絡いた|電話し|お電話|申し込|申請し|お邪魔|お世話にな|世話にな"
                     r"|引き継|引継|聞い|聞きまし|言われ|頼まれ|紹介さ|教わ|教えてもら)")
# 「岸本まで折り返しください」「永井の携帯」: where a person is reached;
# 「長尾の件でお電話いただいた」 (only a surname Sudachi tags itself: 千葉の件で is a place's).
_REACHED = re.compile(r"^[ ]?(?:まで[ ]?(?:お?折り?返し|ご?連絡|ご一報|お?電話|返信|お知らせ)"
                      r"|の[ ]?(?:携帯|けいたい|ケータイ|スマホ|連絡先|メアド|メールアドレス))")
_ABOUT = re.compile(r"^[ ]?の件で[ ]?(?:お?電話|ご?連絡|お便り|通知|伺|お伺)")
_PRONOUN = re.compile(r"(?:私|わたし|わたくし|僕|ぼく|俺|自分|あたし|わし|ワシ|儂|おら|オラ|おいら"
                      r"|あたい)は[ ]?$")
_RELATIVE = re.compile(r"(?:父|母|夫|妻|主人|息子|娘|祖父|祖母|兄|姉|弟|妹|子ども|子供|家族|親"
                       r"|嫁|婿|姪っ子|甥っ子|姪|甥|いとこ|叔母|叔父|伯母|伯父|義母|義父"
                       r"|旦那|だんな|家内|女房|嫁さん|奥さん|かみさん)"
                       r"(?:(?:の|は|が|、|・|\(|（)[ ]?|[ ])$")
_KANA = re.compile(r"^[ぁ-んァ-ヴー]{1,3}$")
_KANA_CHAR = re.compile(r"[ぁ-ゖァ-ヴー]")
_DEPARTMENT = re.compile(r"(?:課|係|室|部|局|所|センター|会|店|社|署|館|園|校|病院|組合|協会|窓口|"
                         r"支所|出張所)$")
# Where residents of the city come from (「Priya Sharma from Nepal」; not 「… from Monday」)
_COUNTRIES = (r"Nepal|Vietnam|Viet Nam|China|Korea|Philippines|Indonesia|Brazil|Peru|Thailand"
              r"|Myanmar|Sri Lanka|India|Bangladesh|Pakistan|Mongolia|Cambodia|Laos|Malaysia"
              r"|Taiwan|USA|America|Canada|Australia|UK|England|France|Germany|Spain|Italy"
              r"|Russia|Ukraine|Turkey|Iran|Egypt|Nigeria|Ghana|Kenya|Mexico|Bolivia|Colombia"
              r"|Argentina|Chile|Paraguay")
_ENGLISH = re.compile(r"(?i:\bmy name is) (?P<n>[A-Z][a-zA-Z'\-]+(?: [A-Z][a-zA-Z'\-]+){0,2})")
_BOUNDARY_POS = {"補助記号", "空白"}
# The commonest Chinese surnames, simplified and traditional (我是王秀英, not 我是学生).
_CHINESE_SURNAMES = ("王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐"
                     "许許韩韓冯馮邓鄧曹彭曾肖萧蕭田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧"
                     "姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋方白邹鄒孟熊秦邱江尹薛段雷侯龙龍史陶黎"
                     "贺賀顾顧毛郝龚龔邵万萬钱錢严嚴武戴莫孔向汤湯温溫康施文牛樊葛邢安齐齊易乔喬"
                     "伍庞龐颜顏倪庄莊聂聶章鲁魯岳翟殷詹申欧歐耿关關兰蘭焦俞左柳甘祝包宁寧尚符舒"
                     "阮柯纪紀梅童凌毕畢单單季裴霍涂成苗谷盛曲翁冉骆駱蓝藍路游辛靳管柴蒙鲍鮑华華"
                     "喻祁蒲房滕屈饶饒解牟艾尤阳陽时時穆农農司卓古吉缪繆简簡车車项項连連芦麦麥褚"
                     "娄婁窦竇戚岑景党宫宮费費卜冷晏席卫衛米柏宗瞿桂全佟应應臧闵閔苟邬鄔边邊卞姬"
                     "师師和仇栾欒隋商刁沙荣榮巫寇桑郎甄丛叢仲虞敖巩鞏佘池查麻苑迟遲邝鄺")
# Korean surnames of one syllable written in one katakana (이 → イ, 오 → オ): イ ミンジュン.
_ONE_KANA_SURNAMES = frozenset("イオソホユウハコノペ")
# The first syllables of the commonest Korean surnames (a three-syllable name starts so).
_KOREAN_SURNAMES = ("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차진"
                    "채원천방공현함변염여추석선설길연위표왕금옥육탁")

# --- names by position (rule 5) -----------------------------------------------------------
_LOWER_INTRO = re.compile(r"(?:^|(?<=[ .,!?\n]))(?i:i am|i'm|im|my name is|my name's|name is)[ ]"
                          r"(?P<n>[a-z]{2,}(?:[ ][a-z]{2,}){0,2})"
                          r"(?=[ ]?(?:[,.!?\n]|$)|[ ](?:and|from|here|desu)\b)")
# Latin letters with the diacritics of residents' names (João, Gonçalves, Phạm Thị Hồng).
_LATIN_LETTERS = [chr(c) for r in ((0xC0, 0x250), (0x1E00, 0x1F00)) for c in range(*r)]
_UP = "A-Z" + "".join(c for c in _LATIN_LETTERS if c.isupper())
_LOW = "a-z" + "".join(c for c in _LATIN_LETTERS if c.islower())
_LATIN_WORD = (rf"(?:[A-Z][a-z]?\.(?=[ ]|[A-Z][a-z])"
               rf"|[{_UP}](?:'[{_UP}])?[{_LOW}']+(?:-[{_UP}]?[{_LOW}']+)*"
               r"|[A-Z]{2,}|[A-Z]\.)"
               r"(?:[ ](?:bin|binti|de|da|do|dos|das|van|von|der|al|el|la|le|di|du)"
               rf"(?=[ ][{_UP}]))?")
# (an initial may be glued to what follows: T.Sato)
_LATIN_JOIN = r"(?:[ ]|(?<=\.)(?=[A-Z][a-z]))"
_NAME = (rf"(?:{_LATIN_WORD}(?:{_LATIN_JOIN}{_LATIN_WORD}){{0,3}}"
         r"|[ァ-ヴ][ァ-ヴー]*(?:[・=＝ ][ァ-ヴ][ァ-ヴー]*){0,3}"
         r"|[ぁ-ゖ]{2,6}(?:[ ・][ぁ-ゖ]{1,6})?"
         r"|[一-龥々]{1,4}(?:[ ]?(?:[一-龥々]{1,4}|[ぁ-ゖ]{2,4}|[ァ-ヴ][ァ-ヴー]{1,5}))?)")
# One word of a name, where a space before it ends what came before (担当 くろさわ（…）).
_NAME_UNSPACED = (rf"(?:{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}}"
                  r"|[ァ-ヴ][ァ-ヴー]*(?:[・=＝][ァ-ヴ][ァ-ヴー]*){0,3}"
                  r"|[ぁ-ゖ]{2,6}|[一-龥々]{1,4}(?:[ぁ-ゖ]{2,4})?)")
_INTRO_AHEAD = (r"(?=[ ]?(?:と申し|と申す|ともうし|と言い|といい|って言い|っていい"
                r"|と[ ](?:申します|もうします|いいます|言います)|と(?:いう|言う)者|っていう者))")
_END_AHEAD = (r"(?=[ ]?(?:です|でございます|だよ|と申し|と申す|ともうし|と言い|といい|って言い"
              r"|っていい|$|[。、,.!?！？\n()（）」』]|様|さま|さん|宛"
              r"|(?<=[A-Za-zァ-ヴー一-龥々])(?:で|に|を|も))|[ ])")
# A greeting glued to the name is a boundary too (すみませんもりたといいます, どうものむらです).
_PLACE_BEFORE = (r"(?:(?<=^)|(?<=[。、,.!?！？\n「『（(:：])|(?<=[。、,.!?！？\n「『（(:：][ ])"
                 r"|(?<=すみません)|(?<=すいません)|(?<=どうも)|(?<=こんにちは)|(?<=こんにちわ)"
                 r"|(?<=はじめまして))")
_RELATIVES = (r"(?:お兄ちゃん|お姉ちゃん|兄ちゃん|姉ちゃん|おばあちゃん|おじいちゃん|孫娘|孫息子"
              r"|(?:上の|下の|真ん中の|末の)子(?![どども供])|末っ子|旦那|だんな|家内|女房"
              r"|嫁さん|奥さん|かみさん|(?<!神)父|(?<![酵保分聖])母|(?<![丈工農漁水坑車])夫|妻"
              r"|主人|息子|娘|祖父|祖母|兄|姉|弟|妹|子ども|子供|長男|長女|次男|次女|三男|三女"
              r"|孫|家族|親|嫁|婿|姪っ子|甥っ子|姪|甥|(?<![ぁ-ゖ])いとこ|従兄弟|従姉妹|叔母|叔父|伯母|伯父"
              r"|義母|義父|義姉|義兄|義妹|義弟)")
# (in kana too, where nothing else is kana before them: ははの やすこが, not いつまで)
_KANA_RELATIVES = r"(?<![ぁ-ゖ])(?:はは|ちち|おっと|むすめ|むすこ|いもうと|おとうと|そぼ|そふ|まご)"
_BIRTH_ORDER = {"長男", "長女", "次男", "次女", "三男", "三女", "上の子", "下の子", "真ん中の子",
                "末っ子", "末の子"}
# A family member: 娘の…が, 夫の…と, 息子蒼の; a given name is expected here: a hiragana one
# (ひまり), or a word the dictionary also knows as a person's name (凛, 蒼, 陽菜).
# (also their child, 姉の子のりんたろう; and a date or an age after a space: 娘 紗良 2019年…)
# A list of the household, one member after the other: 「父:勝⏎母:京子」「夫健二 妻理恵」
# 「兄隼人・姉彩花」, or the phone beside the name 「姉恵美090-…」 (only with the family word
# set beside the name or a colon: 「子どもがけがしそう」 ends a sentence)
_HOUSEHOLD_NEXT = (rf"[ ]?(?:\n|$|/)|・|[ ](?={_RELATIVES})"
                   r"|[ ]?(?:\+81|0[0-9]{1,4}[- ]?[0-9])")
_KIN_NEXT = (r"[ ]?(?:が|は|を|に|も|と|の|、|。|です|さん|だけ|って|\(|（)|[ ][0-9]"
             r"|[ ]?(?:小|中|高)[1-6](?![0-9])|[ ]?[0-9]{1,2}(?:歳|さい|才)"
             rf"|か(?={_RELATIVES})")  # 祖母のフサ子か叔母の美穂が: one or the other
_KIN = re.compile(rf"(?P<kin>(?:{_RELATIVES}|{_KANA_RELATIVES})(?:の子(?![どども供育]))?)"
                  rf"(?:の|は|が|、|・|:)?[ ]?(?P<n>{_NAME})"
                  rf"(?={_KIN_NEXT})")
_KIN_LISTED = re.compile(rf"(?P<kin>{_RELATIVES})(?:[:/])?[ ]?(?P<n>{_NAME})"
                         rf"(?={_HOUSEHOLD_NEXT}|{_KIN_NEXT})")
# A surname alone as the first words of a message or line, before 「です、」 (林です、先日…):
# one character is enough there, where 「東です」 after 出口は is a direction.
_GREETING = (r"(?:はい|もしもし|こんにちは|こんばんは|おはようございます|すみません"
             r"|お世話になります)")
_GREETED = re.compile(rf"{_GREETING}[ ]?$|(?:すいません|どうも)[ ]?$")
_OPENING = re.compile(rf"(?:^|(?<=\n))[ ]?(?:{_GREETING}[、。,!！ ]?[ ]?)?"
                      r"(?P<n>[一-龥々]{1,2})(?=です[、。,]|でございます)")
# (pattern, weak): a weak position (a line of its own, the end of the message, after 娘の)
# also holds ordinary words, so what stands there must look like a person's name itself.
# 「…です」 at a clause start holds ordinary words too (「もういいです。」): a run of hiragana
# counts there only if it is one name, not as after a label.
_GREETING_NEXT = re.compile(r"[ ]?です[。、!！ ]*(?:いつも|お世話|よろしく|お疲れ|先日は|先ほどは)")
_COPULA = re.compile(rf"{_PLACE_BEFORE}(?P<n>{_NAME})"
                     r"(?=[ ]?(?:です|でございます)(?:[。、,.!?！？\n」』]|$|けど|が[、,]))")
# 我是 / 我姓 / 저는 are said of more than names (我是学生, 저는 학생입니다): what follows is a
# name when a common surname opens it, and that is check enough.
_SURNAMED_CHINESE = re.compile(rf"我是(?P<n>[{_CHINESE_SURNAMES}][一-龥]{{1,2}})(?=[，,。.、 ]|$)")
_SURNAME_CHINESE = re.compile(rf"我姓(?P<n>[{_CHINESE_SURNAMES}][一-龥]?)(?=[，,。.、 ]|$)")
_SURNAMED_KOREAN = re.compile(rf"(?:저는|나는|전)[ ]?(?P<n>[{_KOREAN_SURNAMES}][가-힣]{{1,2}})"
                              r"(?=입니다|이에요|예요|이고|이라고|라고)")
# 我的孩子李子轩明年…: a family member in Chinese, then a name a common surname opens
_KIN_CHINESE = re.compile(
    rf"(?:我的|我)?(?:孩子|儿子|兒子|女儿|女兒|丈夫|妻子|太太|老公|老婆|母亲|母親|父亲|父親|妈妈|媽媽"
    rf"|爸爸|奶奶|爷爷|爺爺)(?:叫|是)?(?!今年|去年|明年|今天|现在|現在|上学|上學|上班)"
    rf"(?P<n>[{_CHINESE_SURNAMES}][一-龥]{{1,2}})"
    r"(?=[，,。.、 ]|$|明年|今年|去年|在|要|想|是|上|的|和|也|已|今天|现在|現在|生|出生"
    r"|下|来|來|去|明天|刚|剛|从|從|因|说|說|住|不|没|沒|还|還|会|會|需|得)")
# うちのこはるが: a child called by name after うちの (checked: a name the dictionary lists)
# (also うちの子あおいは: 子 before the name, not うちの子どもが / うちの子はまだ)
_OURS = re.compile(r"(?:うちの|ウチの|我が家の)(?:子[ ]?(?![どども供はがもをにとのへ]))?"
                   r"(?P<n>[ぁ-ゖ]{2,5}|[ァ-ヴ][ァ-ヴー]{1,6}|[一-龥々]{1,2}(?=、)"
                   r"|[一-龥々]{2,3}(?=が|は|も))"
                   r"(?=が|は|も|を|に|と|、|ちゃん|くん)")
# A child named between spaces before its age: 「うちの子 こはる 3さい です」「娘 りん 5歳」.
# (any household member so listed: 「夫 健吾 42歳、わたし 由香里 39歳」「長男 大地 年長」)
_OURS_AGED = re.compile(rf"(?:うちの子|うちのこ|ウチの子|我が家の子|娘|息子|むすめ|むすこ"
                        rf"|{_RELATIVES}|わたし|私|あたし|本人)[ ]"
                        r"(?P<n>[ぁ-ゖ]{2,5}|[ァ-ヴ][ァ-ヴー]{1,6}|[一-龥々]{1,3})[ ]"
                        r"(?=[0-9]{1,2}[ ]?(?:歳|さい|才|か月|ヶ月|カ月)"
                        r"|(?:小|中|高)[1-6](?![0-9])|年[少中長](?![一-龥々]))")
_BY_SURNAME = (_SURNAMED_CHINESE, _SURNAME_CHINESE, _SURNAMED_KOREAN, _KIN_CHINESE)
# Slots where the word must also be a surname the dictionary lists (checked in `_positional`):
# 私西村が (a surname joined to 私; not 私自身が); 「先ほど電話した大橋です。」「班長をしている
# 千葉です。」 (after a verb that describes the writer; Sudachi reads 大橋 as a common noun and
# 千葉 as a place).
_JOINED_TO_I = re.compile(r"(?:私|わたし|わたくし)(?P<n>[一-龥々]{2,3})(?=が|は|です|と申|、|も)")
_DESCRIBED_SURNAME = re.compile(r"(?<=[たるだ])(?P<n>[一-龥々]{2,3})"
                                r"(?=です(?:[。、,!！\n]|$)|でございます)")
# A child called by a hiragana name after a clause: 「…なんですがゆうまが熱っぽい」 (checked:
# a name the dictionary lists, or a word it does not know, in katakana).
_CLAUSE_KANA = re.compile(r"(?:ですが|ですけど|けど|けれど)[、]?(?P<n>[ぁ-ゖ]{2,5})(?=が|は)")
# A hiragana surname before さん after a particle: 「窓口でふじもとさんに」 (checked: its
# katakana spelling is a surname the dictionary lists).
_KANA_SURNAME_SAN = re.compile(r"(?<=[でにはがをとも])(?P<n>[ぁ-ゖ]{3,5})(?=さん|様|さま)")
# A katakana name after a word that says who: 「留学生のアナンドです」 (checked: a name, or a
# word the dictionary does not know).
_WHO_KATAKANA = re.compile(r"(?<=[生者身住人員]の)(?P<n>[ァ-ヴ][ァ-ヴー]{1,9})"
                           r"(?=です|と申し|といい)")
# 「はい、こちら高橋です」 (Sudachi may read こちら高|橋).
_THIS_SIDE_SURNAME = re.compile(r"(?:こちら|こっち|当方)(?:は|、)?(?P<n>[一-龥々]{2,3})"
                                r"(?=です|でございます)")
# 「お世話になっております。…総務の大川です。」: a business greeting, then who writes
_GREETED_OF = re.compile(r"(?:お世話になっております|お世話になります|お疲れ様です|お疲れさまです"
                         r"|いつもありがとうございます)[。、!！ ]*[^。\n]{0,30}の"
                         r"(?P<n>[一-龥々]{2,3})(?=です[。、]|でございます)")
# 「先日お電話した三浦の件で」: the writer, described by how they reached the city before
_CALLED_BEFORE = re.compile(r"(?:お?電話|ご?連絡|ご?相談|メール|お問い合わせ|問い合わせ|申請|来庁)"
                            r"(?:を)?(?:した|しました|いたしました|させていただいた|差し上げた)[ ]?"
                            r"(?P<n>[一-龥々]{1,3})(?=の件|です|と申し|でございます)")
_SURNAME_SLOTS = (_JOINED_TO_I, _DESCRIBED_SURNAME, _THIS_SIDE_SURNAME, _GREETED_OF,
                  _CALLED_BEFORE)
_PHONE_IN_BRACKETS = (r"[ ]?(?=\([ ]?(?:携帯|けいたい|ケータイ|電話|でんわ|TEL|Tel|tel|自宅|☎"
                      r"|\+?[0-9]{2,}))")
_BEFORE_PHONE = re.compile(
    rf"(?:^|(?<=\n))[ ]?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}}"
    r"|[ァ-ヴ][ァ-ヴー]*(?:[・ ][ァ-ヴ][ァ-ヴー]*){0,2}|[ぁ-ゖ]{2,6}(?:[ ][ぁ-ゖ]{2,6})?"
    r"|[一-龥々]{1,4}?(?:[ ][一-龥々]{1,3})?)"
    r"(?=[ ]?(?:携帯|けいたい|ケータイ|電話|でんわ|TEL|Tel|tel|自宅|☎)?[:]?[ ]?"
    r"(?:\+81[ -]?[0-9]|0[0-9]{1,4}[- ]?[0-9]{2,4}[- ]?[0-9]{3,4}))")
# 「ぼくゆうと、小5です」: a pronoun glued to a kana name the dictionary knows or cannot read
_PRONOUN_KANA_NAME = re.compile(r"(?:^|(?<=[ 、。!！]))(?:おれ|オレ|俺|あたし|ぼく|僕|わたし)"
                                r"(?P<n>(?![はがもの])[ぁ-ゖ]{2,5})(?=[、,])")
# …or set off by a comma, the name ending the sentence: 「おれ、ゆうき。公園の…」
_PRONOUN_COMMA_NAME = re.compile(r"(?:^|(?<=[ 、。!！]))(?:おれ|オレ|俺|あたし|ぼく|僕|わたし)"
                                 r"[、,][ ]?(?P<n>(?![はがもの])[ぁ-ゖ]{2,5})(?=[。.!！]|$)")
_PRONOUN_KANA_NAMES = (_PRONOUN_KANA_NAME, _PRONOUN_COMMA_NAME)
# Who is who, as a child writes it: 「お母さんがりえで、お父さんがこうじで、ぼくがともやです」
# 「ぼくはりく、ママはあやかです」 — a family word or a pronoun, は/が, then what the person is
# called before です / で、 / 、 (checked in `_identified`: a name, not a state such as げんき).
_IDENTIFIED = re.compile(
    r"(?:^|(?<=[ 、。,!！「]))(?:お?(?:母|父|かあ|とう)さん|おかあさん|おとうさん|ママ|パパ"
    r"|母|父|夫|妻|主人|息子|娘|兄|姉|弟|妹|いもうと|おとうと|おにいちゃん|おねえちゃん"
    r"|ぼく|僕|わたし|私|あたし|おれ|俺|長男|長女|次男|次女)(?:の名前)?(?:は|が)"
    r"(?P<n>[ぁ-ゖ]{2,5}?|[ァ-ヴ][ァ-ヴー]{1,6}|[一-龥々]{1,3})"
    r"(?=です|でーす|だよ|で[、,]|[、,])")
# A friend or a classmate named after の: 「部活の後輩のしょーたが」 (checked as a family
# member's given name is, in kana or katakana).
_ACQUAINTANCE = re.compile(
    r"(?:友達|友だち|ともだち|友人|親友|同級生|クラスメイト|後輩|先輩|幼なじみ|幼馴染|ママ友|彼氏|同僚)"
    r"の(?P<n>[ぁ-ゖ][ぁ-ゖー]{1,5}|[ァ-ヴ][ァ-ヴー]{1,6})(?=が|は|と|に|も|、|って|から)")
# Forms a state takes (元気, 一人, 留守, 仕事 — 「母はげんきです」): not what anyone is called.
_STATE_POS = frozenset({"形状詞可能", "副詞可能", "サ変可能"})
_STATE_HEAD = frozenset({"副詞", "形状詞", "連体詞", "接続詞", "感動詞", "代名詞"})
_SPACED_KANA_INTRO = re.compile(
    r"(?<=[のはが、。\n ])(?P<n>[ぁ-ゖ]{2,6}[ ][ぁ-ゖ]{2,4})"
    r"(?=[ ]?(?:です|でございます|と申し|と申す|といい|と言い|っていい))")
_GREET_LATIN = r"(?i:hello|hi|hey|konnichiwa|konnichiha|hajimemashite|sumimasen|ohayou)"
_ROMAJI_INTRO = re.compile(rf"(?:^|\n|(?<![A-Za-z]){_GREET_LATIN}[,.!]?)[ ]?"
                           r"(?P<n>[A-Za-z]{2,}(?:[ ][A-Za-z]{2,}){1,2})[ ]?"
                           r"(?=(?i:desu|to moushimasu|to iimasu)\b|です|と申し|といい)")
_ROMAJI_HERE = re.compile(r"(?:^|(?<=[.!?,\n]))[ ]?(?P<n>[a-z]{2,}(?:[ ][a-z]{2,}){1,2})[ ]here\b")
# One lower-case word introduced in English: 「this is priya, my son…」 (a comma after it), 「my
# wife ana and me」 (checked in `_slot_holds_name`: no English word; after a family word, romaji
# syllables only — 「my dad fell down」 「my husband just choked me」 say what happened).
_LOWER_THIS_IS = re.compile(r"(?:^|(?<=[.!?,\n]))[ ]?(?i:hi,? |hello,? )?this is[ ]"
                            r"(?P<n>[a-z]{2,12})(?=,)")
_LOWER_MY_KIN = re.compile(r"(?:^|(?<=[ .,!?\n]))(?i:my (?:wife|husband|son|daughter|mother"
                           r"|father|mom|dad|partner|baby|child))[ ](?P<n>[a-z]{2,12})"
                           r"(?=[ ]?(?:[,.]|$)|[ ](?:and|&)\b)")
# One romaji word alone where a name is said: opening the message or a line before an
# introduction (yamamoto to moushimasu, kobayashiです, jun here.), or a signature line
# (from kenji) ending it (checked: romaji syllables, no English or common word).
_ROMAJI_ONE = re.compile(
    r"(?:^|(?<=\n))[ ]?(?P<n>[a-z]{3,12})"
    r"(?=[ ](?:to (?:moushimasu|mōshimasu|iimasu)|desu)\b|[ ]?(?:です|と申し|といい)"
    r"|[ ]here[.!,]|[ ]here$)")
_ROMAJI_FROM = re.compile(r"(?:^|(?<=\n))[ ]?from[ :]+(?P<n>[a-z]{3,12})[ ]?$")
# Two or three romaji words opening a sentence, then a comma and contact details:
# 「matsuda kenta, tel 080…」
_ROMAJI_CONTACT = re.compile(r"(?:^|(?<=[.!?\n]))[ ]?(?P<n>[a-z]{2,}(?:[ ][a-z]{2,}){1,2}),[ ]?"
                             r"(?=(?i:tel|phone|mobile|mail|e-?mail|denwa|keitai)\b|電話|携帯)")
# lower-case romaji after a cue typed in romaji or English: 「namae wa suzuki hana desu」
# 「watashi wa nguyen thi lan desu」「from: takahashi mio」 (checked: romaji words)
_ROMAJI_WORD = r"(?!desu\b|and\b|no\b|to\b|ga\b|wa\b)[a-z]{2,}"
_ROMAJI_VERB = re.compile(r"(?:masu|mashita|masen|mashou|nai|tai|desu|deshita|mashite)$")
_ROMAJI_CUED = re.compile(r"(?:^|(?<=[ .,!?\n]))(?i:namae wa|watashi wa|watashi no namae wa"
                          r"|watashi no namae|boku no namae wa|boku no namae"
                          r"|boku wa|from:)[ ]?"
                          rf"(?P<n>{_ROMAJI_WORD}(?:[ ]{_ROMAJI_WORD}){{1,2}})"
                          r"(?=[ ]?(?:[,.!?\n]|$)|[ ](?:desu|to moushimasu|to iimasu|and|here)\b)")
# A word of romanized Japanese (or of a name written so): syllables only.
_ROMAJI_SYLLABLES = re.compile(r"(?:(?:[kgsztdnhbpmrfjwy]|sh|ch|ts|[kgnhbpmr]y)?[aiueo]"
                               r"|n(?![aiueoy]))+", re.IGNORECASE)
# Signatures: a dash on a line of its own (「—Pedro」「―― 田中」), a slash or a dash ending the
# message (「…以上です。／坂本」「…壊れてます ― Tom」), a closing word before the name ending
# it (「Thanks, Priya」「Thank you so much,⏎Carlos」「以上、菊地でした」).
_DASHED_LINE = re.compile(rf"(?:^|(?<=\n))[ ]?[-―—–─~〜]+[ ]?(?P<n>{_NAME})[ ]?(?=\n|$)")
_RULED_OFF = re.compile(rf"(?:^|(?<=\n))[ ]?[-―—–─~〜_=]{{2,}}[ ]?\n[ ]?(?P<n>{_NAME})[ ]?$")
_SLASHED_END = re.compile(rf"[／/][ ]?(?P<n>{_NAME})[ ]?$")
_DASHED_END = re.compile(rf"(?<=[ 。.!！])[-―—–]+[ ]?(?P<n>{_NAME})[ ]?$")
_CLOSED = re.compile(
    rf"(?:(?i:thanks(?: a lot| so much| again)?|thank you(?: (?:so|very) much)?|thx"
    rf"|many thanks|(?:best |kind |warm )?regards|best wishes|cheers|sincerely"
    rf"|yours (?:sincerely|truly)|take care"
    rf"|obrigad[oa]|gracias|merci|danke|salamat(?: po)?|maraming salamat(?: po)?"
    rf"|(?:xin )?cảm ơn(?: ạ)?|dhanyabad|dhanyavad|terima kasih)|以上)"
    rf"[,.!！、。 \n]*(?:[-–—][ ]?)?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}}"
    r"|[ァ-ヴ][ァ-ヴー]*(?:[・ ][ァ-ヴ][ァ-ヴー]*){0,3}|[ぁ-ゖ]{2,6}"
    r"|[一-龥々]{1,4}(?:[ ][一-龥々]{1,4})?)[ ]?(?:でした|です|より)?[.!。]?[ ]?$")
# The end of the message after a space or a sentence: 「…連絡はこちらへ 090… たなか はなこ」,
# also signed 「…確認お願いします　桐山より」「では失礼します。山崎でした」, or with where the
# writer lives in brackets 「…お待ちしております。松浦（西が丘在住）」.
_MESSAGE_END = re.compile(rf"(?<=[ 。、!！])(?P<n>{_NAME})[ ]?(?P<signed>より|でした)?[ ]?"
                          r"(?:\([^()\n]{1,20}\))?[ ]?$")
# A greeting, then 「…です」/「…といいます」: the speaker's name (どうものむらです, どもーまゆです,
# おつかれさまです、ななです🙏).
_GREETED_NAME = re.compile(
    rf"(?:{_GREETING}|すいません|どうも|どうもー|(?<![子こ])ども|どもー|こんにちわ|こんちは|こんちわ"
    r"|やっほー|はじめまして|初めまして|お世話になっております|おせわになります|おせわになってます"
    r"|お疲れ様です|お疲れさまです|おつかれさまです|おつかれです|失礼します)[、。,!！]?[ ]?"
    rf"(?P<n>{_NAME})(?=[ ]?(?:です|でございます|と申し|と申す|といい|と言い"
    r"|っていい|って言い)(?:[^\w]|$|ます|ました))")
# Where a hiragana word is a name when the dictionary knows it as one in any spelling (りん,
# つじ → 辻, しおり): a signature, a greeting's 「…です」, a name ending the message.
_KANA_SIGNED = (_DASHED_LINE, _RULED_OFF, _SLASHED_END, _DASHED_END, _CLOSED, _GREETED_NAME)
# A handle in romaji alone on the last line, after a Japanese closing or a blank line
# (「…ありがとうございました。⏎⏎miho.k」「よろしくお願いします⏎t.yamada」).
_HANDLE_SIGNED = re.compile(
    r"(?:(?:ありがとうございました|ありがとうございます|よろしくお願いします|よろしくお願いいたします"
    r"|お願いします|失礼します|以上です)[。!！]?[ ]?\n|\n[ ]?\n"
    # a line closed by an emoji or a mark (返信まってます〜🙇⏎sakura), a signature's label
    r"|[\u2600-\u27BF\U0001F300-\U0001FAFF☆★♪♡♥〜~][ ]?\n"
    r"|(?:^|(?<=\n))[ ]?(?i:sign|signed|signature|署名)[ ]?[:：])[ ]?"
    r"(?P<n>[A-Za-z]{1,12}(?:[._][A-Za-z]{1,12})?)[ ]?$")
_ROMAJI_SAID = frozenset("arigatou arigato yoroshiku onegai douzo doumo hai iie ok ne".split())
# A chat display name set between emoji or marks, as residents sign on LINE (🌸ゆみこ🌸です,
# ☆Yuki☆ですが, ＊さとみ＊より, 👶あかり&そうた👦のママです), or said to be one
# (はるか🐰 って名前で).
_DECOR = r"[\u2600-\u27BF\U0001F300-\U0001FAFF*☆★♪♡♥◆◇●○■□✿❀⭐]"
_DECORATED = re.compile(
    rf"(?:^|(?<=\n))[ ]?(?P<open>{_DECOR}+)?[ ]?"
    rf"(?P<list>{_NAME_UNSPACED}(?:[ ]?&[ ]?{_NAME_UNSPACED})?)[ ]?{_DECOR}+[ ]?"
    r"(?P<then>です|でーす|だよ|より|っす|の(?:ママ|パパ|母|父|妻|夫)|って名前|という名前)")
_OPENS_BRACKET = re.compile(rf"(?:^|(?<=\n))[ ]?(?P<n>{_NAME})[ ]?(?=\()")
_OWN_LINE = re.compile(rf"(?:^|(?<=\n))[ ]?(?:[-―—ー─~〜]+[ ]?)?(?P<n>{_NAME})[ ]?(?:より)?[ ]?"
                       r"(?=\n|$)")
# Words a Chinese sentence is full of and a name never holds (寶特瓶怎麼丟 is a question, not a
# signature); with one of them and no kana, a text is Chinese, where the Japanese dictionary's
# name tags mean little (楼下冒出很多黑烟: 冒出 is not a person; 叫李静 is).
_CHINESE_WORD = re.compile(CHINESE.pattern + "|[了我很你他她吧呀啊]")
# Pronouns a clause can go on with (…ですが、こちらでは): not a child's name.
_PRONOUN_KANA = re.compile(r"^(?:こちら|そちら|あちら|どちら|こっち|そっち|あっち|どっち|ここ|そこ"
                           r"|あそこ|どこ|これ|それ|あれ|どれ|みんな|みなさん)")
_QUOTE_OPENS = re.compile(rf"[「『](?:おい|ねえ|ほら|ちょっと)?[、 ]?(?P<n>{_NAME})"
                          r"(?=[、!！]|より[」』]|(?:には|にも|とは|は|が|を|に|も)(?![ぁ-ゖ]?[」』]))")
_QUOTE_CALLED = re.compile(rf"[「『](?:おい|ねえ|ほら)[、 ]?(?P<n>{_NAME})(?=[」』])")
_CHAT_LINE = re.compile(rf"(?:^|(?<=\n))(?P<n>{_NAME})[:：](?=[^\n]{{2,}})")
_SUDACHI_NAMED = (_QUOTE_OPENS, _QUOTE_CALLED, _CHAT_LINE)
_POSITIONAL: tuple[tuple[re.Pattern[str], bool], ...] = (
    # after a label: 名前は…, 名義：…, 氏名 …, 送信者 …
    # (not a placeholder: 「［氏名］煤气味」 is a masked text, not a label)
    (re.compile(rf"(?<!\[)(?:名前|なまえ|ナマエ|氏名|名義人?|予約名|登録名|申請者|申込者|差出人|送信者|送り主|署名|宛名"
                rf"|フリガナ|ふりがな|契約者|世帯主|届出人|本人|受取人|応募者|参加者|保護者|代理人"
                rf"|相談者|連絡先|担当者|対象者|対象児童|児童名|受診者|同伴者|出席者|喪主"
                rf"|連絡者|記入者|届出者|申告者|依頼者|請求者|利用者|姓名|持ち主|所有者"
                rf"|あだ名|あだな|アダ名|愛称|通称|ニックネーム|呼び名|本名|戸籍上"
                rf"|name|Name|NAME|From|FROM)名?"
                rf"(?:\((?:カナ|かな|フリガナ|ふりがな|漢字|ローマ字|英字|自署)\))?"
                rf"(?:は|が|:|：|=)?[)\]】］>]?[ ]?[「『]?"
                rf"(?P<n>{_NAME}){_END_AHEAD}"), False),
    # a form's spelling lines: 「カナ：ミナミ ケイコ　漢字：南 恵子」 (only with a colon)
    (re.compile(rf"(?:カナ|かな|漢字|ローマ字|英字)[:：][ ]?(?P<n>{_NAME}){_END_AHEAD}"), False),
    # 「Ahmed Khan is my neighbour」「Priya Sharma from Nepal」
    (re.compile(rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})[ ](?:is|was)[ ](?:my|our)[ ]"
                r"(?:neighbou?r|friend|son|daughter|husband|wife|mother|father|mom|dad|sister"
                r"|brother|grandmother|grandfather|colleague|landlord|partner|child|boss)\b"),
     False),
    (re.compile(rf"(?:^|(?<=[.!?\n]))[ ]?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})[ ]from[ ]"
                rf"(?:{_COUNTRIES})\b"), False),
    # 「名札に川口とありました」「表札は森下です」: what a name tag or a door plate says
    (re.compile(rf"(?:名札|表札)(?:に|は|には|:|：|を?見たら|を?見ると|を?見て)[ ]?[「『]?"
                rf"(?P<n>{_NAME})"
                r"(?=[」』]?(?:と|って|です|[ 、。]))"), False),
    # 担当:山根 — 担当 as a label only with a colon (担当の方 is no name)
    (re.compile(rf"担当[:][ ]?(?P<n>{_NAME}){_END_AHEAD}"), False),
    # 旧姓は…: only with は or a colon (「住民票に旧姓のせれる？」 is a question)
    (re.compile(rf"(?:旧姓|苗字|名字)(?:は|:|：)[ ]?(?P<n>{_NAME}){_END_AHEAD}"), False),
    # lower-case romaji after a label: 「お名前: sakamoto yui」
    (re.compile(r"(?:名前|なまえ|氏名|名義|フリガナ|ふりがな|申請者|申込者)(?:は|:|：)[ ]?"
                r"(?P<n>[a-z]{2,}(?:[ ][a-z]{2,}){1,2})(?=[ ]?(?:\n|$|[。、,.]))"), False),
    # English: I am …, I'm …, This is …, … here.
    (re.compile(rf"(?:\bI am|\bI'm|\bthis is|\bThis is|\bTHIS IS|\bRegards,|\bFrom:"
                rf"|\b[Mm]y name's|\b[Mm]y name is|\b[Nn]ame's"
                rf"|\b[Ii]t's|\b[Ii]t is)[ ]"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})(?![A-Za-z])"), False),
    (re.compile(rf"(?:^|(?<=[。.!?,\n]))[ ]?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})"
                r"[ ](?:here|aqui|aquí|đây)\b"), False),
    # typed in lower case: 「im kiran, pls…」「i am nguyen thi lan and…」 — set off by a comma,
    # 'and', 'from' or the end (「i am confused about…」 goes on; states are stop words)
    (_LOWER_INTRO, False),
    # introductions in residents' other languages: Meu nome é …, Tôi là …, 我叫…, 제 이름은 …
    (re.compile(rf"(?i:meu nome é|me chamo|sou o|sou a|sou|mi nombre es|me llamo|soy|tên tôi là"
                rf"|tôi tên là|tôi là|toi la|ten toi la|toi ten la|em là|anh là|chị là|mình là"
                rf"|con là|cháu là"
                rf"|con tôi|con gái tôi|con trai tôi|vợ tôi|chồng tôi|mẹ tôi|bố tôi"
                rf"|je m'appelle|je suis|ich bin|mein name ist|aqui é o|aqui é a|aqui é|eu sou o"
                rf"|eu sou a|eu sou|nama saya|saya|ako po si|ako si|ako ay si|ang pangalan ko ay"
                rf"|pangalan ko po ay|pangalan ko ay|mera naam|mero naam|mero nam"
                rf"|my (?:wife|husband|son|daughter|child|mother"
                rf"|father|mom|dad|partner|baby)|(?:and|&) (?:my )?(?:wife|husband|son|daughter"
                rf"|child|mother|father|mom|dad|partner|baby)"
                rf"|meu marido|minha esposa|minha mulher|meu filho"
                rf"|minha filha|meu pai|minha mãe|mi esposo|mi esposa|mi hijo|mi hija)[ ,]+"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})"),
     False),
    (re.compile(rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})[ ](?i:aqui|aquí|here|đây)\b"),
     False),
    # Korean: a three-syllable name with a common surname before 입니다 / 예요 / 엄마 …
    (re.compile(rf"(?:^|(?<=[.!?,\n])|(?<=안녕하세요)|(?<=안녕하십니까))[ ]?"
                rf"(?P<n>[{_KOREAN_SURNAMES}][가-힣]{{2}})"
                r"(?=입니다|이에요|예요|이고|[ ]?(?:엄마|아빠|씨|님)|[ ]?[(,，、])"), False),
    # a Korean name with a common surname as a signature: 「감사합니다. 최준호」, a line alone
    (re.compile(rf"(?:^|(?<=[.!?\n]))[ ]?(?P<n>[{_KOREAN_SURNAMES}][가-힣]{{2}})[ ]?(?=\n|$)"),
     False),
    (_DASHED_LINE, False),
    (_RULED_OFF, True),
    (re.compile(r"(?:我叫|我的名字是)(?P<n>[一-龥]{2,4})(?=[，,。.、 ]|$)"), False),
    (_SURNAMED_CHINESE, False),
    (_SURNAME_CHINESE, False),
    (_SURNAMED_KOREAN, False),
    (_KIN_CHINESE, False),
    (re.compile(r"(?:제 이름은|이름은|이름[ ]?[:：]|성명[ ]?[:：])[ ]?(?P<n>[가-힣]{2,4})"
                r"(?=입니다|이에요|예요|이고|라고|[ ,.\n]|$)"), False),
    # romaji Japanese: 「YAMAMOTO Kenta desu」「watashi wa Tran Van Long to moushimasu」
    (re.compile(rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})[ ]"
                r"(?i:desu|to (?:mou|mō|mo)shimasu|to iimasu|de gozaimasu)\b"), False),
    # パスポートの表記はTAKEUCHI RYOTAです
    (re.compile(r"(?<![A-Za-z])(?P<n>[A-Z]{2,}(?:[ ][A-Z][A-Za-z]+){1,3})"
                r"(?=[ ]?(?:です|と申し|といい|でございます))"), False),
    # MarianaとJoséの子どもSofia Gonçalves: Latin names set in Japanese
    (re.compile(rf"(?:^|(?<=[ぁ-ゖァ-ヴー一-龥々、。「(]))"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})"
                r"(?=[ ]?(?:と|の|は|が|さん|様|です|くん|ちゃん|、|입니다|이에요|예요))"), False),
    (re.compile(rf"(?<=[ぁ-ゖァ-ヴー一-龥々][ ])"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})(?=[ ]?(?:です|と申し|といい))"),
     False),
    # a reading in brackets after a name: 藤田裕子（フジタユウコ）, 山下和也（やました かずや）
    (re.compile(r"[一-龥々][ ]?\((?P<n>[ぁ-ゖァ-ヴー][ぁ-ゖァ-ヴー ・]{1,20})\)"), False),
    # a name in brackets after contact details: 「090-…（オオニシ ミサキ）」 (not 「（四輪）」)
    (re.compile(rf"\((?P<n>{_NAME})\)"), True),
    # after 私は / 私、 …
    (re.compile(rf"(?:私|わたし|わたくし|僕|ぼく|自分)(?:は|、|,)[ ]?(?P<n>{_NAME})"
                rf"(?=[ ]?(?:です|でございます|と申し|と申す|ともうし|と言い|といい|って言い"
                r"|っていい|[。、]))"), False),
    # before と申します / といいます, at a clause start
    (re.compile(rf"{_PLACE_BEFORE}(?P<n>{_NAME}){_INTRO_AHEAD}"), False),
    # 「グエン・ヴァン・ミンです」 at a clause start
    (_COPULA, False),
    # a family member: 娘の…が, 夫の…と
    (_KIN, True),
    # 「Jennifer Lee's daughter」
    (re.compile(rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})'s[ ](?:daughter|son|wife"
                r"|husband|mother|father|mom|dad|child|children|kids?|baby|family|brother"
                r"|sister)\b"), False),
    # 今日えみちゃんと: hiragana after kanji is a word of its own; one the dictionary knows
    # as a name (not お知らせはちゃんと)
    (re.compile(r"(?<=[一-龥々])(?P<n>(?![をにがはのへとでもや])[ぁ-ゖ]{1,4}"
                r"[^をにがはのへとでもやっ\W])(?=ちゃん|くん)"), True),
    (_PRONOUN_KANA_NAME, False),
    (_PRONOUN_COMMA_NAME, False),
    (_KIN_LISTED, True),
    # 林です、… at the start of a message or line
    (_OPENING, True),
    (_OURS, True),
    # ほそかわ（携帯 080…）: a name opening a line, its contact in brackets (not a common
    # noun: 予防接種（子ども）のスケジュール)
    (_OPENS_BRACKET, True),
    # a line of its own: a signature (―― 田中花子 / 田中より) or a contact block's first line
    (_OWN_LINE, True),
    # the head of a contact line: 「Abe Shigeru, 本町…, tel …」
    (re.compile(rf"(?:^|(?<=\n))[ ]?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})"
                rf"(?=[ ]?[,、/|—–]|[ ]-[ ]|[ ](?:and|&)[ ][{_UP}]|[ ]po\b"
                rf"|[ ](?:\+|\(?0[0-9]{{1,4}}[ \-)]))"),
     True),
    (re.compile(rf"(?:^|(?<=\n))[ ]?{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}}[ ](?:and|&)[ ]"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})(?=[ ]?[,、/|])"), True),
    (_MESSAGE_END, True),
    (_GREETED_NAME, False),
    # a name, then its phone in brackets: 「ほそかわ（携帯 080…）」「連絡先 木原（TEL …）」
    (re.compile(rf"(?:^|(?<=[\n]))(?P<n>{_NAME}){_PHONE_IN_BRACKETS}"), False),
    (re.compile(rf"(?<=[ 、。:→⇒>)])(?P<n>{_NAME_UNSPACED}){_PHONE_IN_BRACKETS}"), False),
    # a name opening a line, its phone number right after it: 「山本 090-…」「秋山携帯090-…」
    # 「Mohammed Ali tel 080…」 (what stands there must look like a name: not 市役所 0199…)
    (_BEFORE_PHONE, True),
    # a spaced kana name before です after の/は (風見野市のしのはら ゆいです): its given name
    # must be one the dictionary lists (checked in `_positional`)
    (_SPACED_KANA_INTRO, False),
    # a title before a Latin name: 「Ms. Chen Yu」「Mr Tanaka」
    (re.compile(rf"(?<![A-Za-z])(?:Mr|Ms|Mrs|Miss|Mx|Dr|Sr|Sra|Srta|MR|MS|MRS|MISS|DR)\.?[ ]"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})(?![A-Za-z])"), False),
    # romaji in any case at the start of a message or line, before desu / です:
    # 「TANAKA hiroshi desu」「sakamoto yuiです」 (checked in `_positional`: romaji words)
    (_ROMAJI_INTRO, False),
    # lower case, then 'here': 「hello, hiroshi tanaka here」
    (_ROMAJI_HERE, False),
    (_ROMAJI_CUED, False),
    (_LOWER_THIS_IS, False),
    (_LOWER_MY_KIN, False),
    (_ROMAJI_ONE, False),
    (_ROMAJI_FROM, False),
    (_ROMAJI_CONTACT, False),
    # a form's reading line: 「よみ　とだ　たいぞう」「読み：ナカノ ユキ」
    (re.compile(rf"(?:^|(?<=\n))[ ]?(?:よみ|読み|ヨミ|よみがな|ヨミガナ|読み仮名)(?:[:：]|[ ])[ ]?"
                rf"(?P<n>{_NAME}){_END_AHEAD}"), False),
    # the opening of quoted speech, a tagged name called or signing: 「美月、早く…」
    # 「おい、典子」「矢島より」
    # (each word one Sudachi itself tags a name: checked in `_positional`)
    (_QUOTE_OPENS, False),
    (_QUOTE_CALLED, False),
    # a chat log copied in: a tagged name opening a line, a colon, then what was said
    # (「澄子：ごみの日いつだっけ？」; not 邮箱：, Endereço:, 振込先名義：)
    (_CHAT_LINE, False),
    # a Chinese name opening a contact line: 「李明、电话…」
    (re.compile(rf"(?:^|(?<=\n))[ ]?(?P<n>[{_CHINESE_SURNAMES}][一-龥]{{1,2}})"
                r"(?=[、，,][ ]?(?:电话|電話|手机|手機|邮箱|郵箱|地址|住所|tel|TEL|[0-9+]))"),
     False),
    # katakana parts joined by ・ or ＝ before です / と申します / さん / ちゃん, or a nationality
    # or an age in brackets, wherever they stand: 「来たラム・バハドゥル・タパといいます」
    # 「出身のイ・ソヨンです」「ホセ＝ルイス・ロペス（ペルー国籍）」「アンナ＝リサちゃん」
    (re.compile(r"(?<![ァ-ヴー・=])(?P<n>[ァ-ヴ][ァ-ヴー]{0,7}(?:[・=][ァ-ヴ][ァ-ヴー]{0,7}){1,3})"
                r"(?=[ ]?(?:です|でございます|と申し|と申す|といい|と言い|って言い|っていい"
                r"|さん|様|ちゃん|くん|君"
                r"|\([^()\n0-9０-９]{1,8}(?:国籍|出身|人)\)|\([0-9]{1,2}(?:歳|さい|才)?\)))"),
     False),
    (_SLASHED_END, False),
    (_DASHED_END, False),
    # a note's addressee opening it: 「ゆうまへ　書類は机の上に」「大迫さま宛」 (must look like
    # a name)
    (re.compile(rf"(?:^|(?<=\n))[ ]?(?P<n>{_NAME})(?<!様)(?<!さま)(?<!さん)(?<!殿)[ ]?"
                r"(?:様|さま|さん|殿)?[ ]?(?:へ|宛て?|あて)"
                r"(?=[ 、,!！\n]|$)"), True),
    # a signature with where the writer lives: 「— 近所に住む松尾」「本町在住の浅野より」
    (re.compile(rf"(?:に住む|在住の?|に住んでいる)[ ]?(?P<n>{_NAME})[ ]?(?:より|です)?[。.]?[ ]?$"),
     False),
    (_CLOSED, False),
    # Tagalog names a person with 'si' (Ang asawa ko po ay si Jose Reyes)
    (re.compile(rf"(?<![A-Za-z])si[ ](?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})"), False),
    # Nepali: 「Ma Bikash Thapa hu」, 「मेरो नाम राम बहादुर हो」
    (re.compile(rf"(?:^|(?<=[.!?,\n]))[ ]?(?i:ma|mero naam|mero nam)[ ]"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,3}})[ ](?i:hu|hun|hoon|ho)\b"),
     False),
    (re.compile(r"(?:मेरो नाम|मेरा नाम)[ ](?P<n>[\u0900-\u0963\u0971-\u097F]+"
                r"(?:[ ][\u0900-\u0963\u0971-\u097F]+){0,2})[ ](?:हो|हुँ|हूँ|है)"), False),
    # Korean: a family word, then a name a common surname opens (제 남편 최동현의)
    (re.compile(rf"(?:남편|아내|와이프|아들|딸|어머니|아버지|엄마|아빠|남동생|여동생|형|누나|오빠"
                rf"|언니|할머니|할아버지)[ ]?(?P<n>[{_KOREAN_SURNAMES}][가-힣]{{2}})"
                r"(?=의|은|는|이|가|을|를|도|씨|님|[ ,.]|$)"), False),
    # 「Lopez family, …」
    (re.compile(rf"(?:^|(?<=[\n.!?]))[ ]?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{0,1}})[ ]"
                r"(?i:family|household)\b"), False),
    # Latin names of two words or more set in Japanese before で/を/に/も:
    # 「英語表記はTakahashi Renで」「名前はNGUYEN THI HOAで」
    (re.compile(rf"(?<=[ぁ-ゖァ-ヴー一-龥々、。「(:])"
                rf"(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})(?=[ ]?(?:で|を|に|も))"), False),
    # 「ローマ字で KOBAYASHI AYANE と書けば」: a Latin name said to be how a name is spelled
    (re.compile(rf"(?:ローマ字|アルファベット)(?:で|だと|では|表記は|表記で|表記だと|の綴りは"
                rf"|のつづりは)[ ]?(?P<n>{_LATIN_WORD}(?:[ ]{_LATIN_WORD}){{1,3}})(?![A-Za-z])"),
     False),
    (_JOINED_TO_I, False),
    (_CLAUSE_KANA, False),
    (_KANA_SURNAME_SAN, False),
    (_WHO_KATAKANA, False),
    (_DESCRIBED_SURNAME, False),
    (_GREETED_OF, False),
    (_THIS_SIDE_SURNAME, False),
    (_CALLED_BEFORE, False),
    (_OURS_AGED, False),
)
_KINS = (_KIN, _KIN_LISTED)
# Parts of the body: after 父の / 孫の a word for one is what hurts, not a name (父の顔が).
# (瞳 is left out: it is a given name as often as an eye)
_BODY_PARTS = frozenset("""顔 手 足 目 頭 背中 腰 歯 耳 肩 鼻 首 胸 指 腕 膝 ひざ 肘 ひじ 腹 お腹
    おなか 口 喉 のど 髪 肌 爪 脚 唇 舌 額 頬 顎 あご 尻 お尻 腿 すね かかと 足首 手首
    顔色 体 身体 からだ 心臓 皮膚 関節""".split())
_NEXT_MEMBER = re.compile(rf"[ ](?={_RELATIVES})")


def _overlapping(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Every match, also those sharing text with the one before: in 「はると（9）、ゆいな（6）、
    れお（2）」 the pair after ゆいな begins with the age that ended the pair before it."""
    at = 0
    while (m := pattern.search(text, at)) is not None:
        yield m
        at = m.start() + 1


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The pattern's matches; a household's list is tried at every family word, since the
    name of one member may have run on into the next (夫浩二 妻真由美)."""
    if pattern is not _KIN_LISTED:
        yield from pattern.finditer(text)
        return
    for kin in re.finditer(_RELATIVES, text):
        m = pattern.match(text, kin.start())
        if m is not None:
            yield m
# The next name of a list, right after a name found: 結翔と芽依です, 美羽、陽向の
_LIST_NAME = r"(?:[一-龥々]{1,3}|[ぁ-ゖ]{2,5}|[ァ-ヴ][ァ-ヴー]{1,7})"
_JOINED = re.compile(rf"[ ]?(?:と|、|・|や)[ ]?(?P<n>{_LIST_NAME})"
                     r"(?=[ ]?(?:の|が|は|を|も|と|、|。|です|ちゃん|くん|さん|\(|$))")
_PAIR_NAME = r"(?:[一-龥々]{1,3}|[ぁ-ゖ]{2,5}?|[ァ-ヴ][ァ-ヴー]{1,7})"
_SIBLINGS = re.compile(rf"(?<![一-龥々ぁ-ゖァ-ヴー])(?P<a>{_PAIR_NAME})[ ]?と[ ]?"
                       rf"(?P<b>{_PAIR_NAME})[ ]?(?:\()?(?:の|は|が)?[ ]?"
                       r"(?:兄弟|姉妹|きょうだい|双子|ふたご|年子)(?![店都市校品社園編作版会])")
# A surname naming a household: 佐藤方, 山田様方, 吉川宅, 高橋家の (see `_households`).
_HOUSEHOLD = re.compile(r"(?<![一-龥々])(?P<n>[一-龥々]{2,3})(?P<h>(?:様|さま|さん)?(?:方|宅|家))"
                        r"(?![一-龥々])")
# A list of two to five names: after a word for a group of people (双子の, 子どもは, 参加者は)
# or before a count of them (…の二人, …の3人きょうだい, …の兄弟), or opening a clause.
_LIST_WORD = r"(?:[一-龥々]{1,3}|[ぁ-ゖ]{2,5}?|[ァ-ヴ][ァ-ヴー]{1,7})"
_NAME_LIST = re.compile(
    r"(?:(?P<group>(?:双子|ふたご|子ども|子供|こども|孫|兄弟|姉妹|きょうだい|参加者|申込者|申請者"
    r"|メンバー|対象者|対象児童)(?:は|の|:|(?::[ ]?)?[0-9二三四五](?:人|名)[ ]?\()[ ]?)"
    r"|(?:^|(?<=[。、!！?？\n「(:])))"
    rf"(?P<list>{_LIST_WORD}(?:[ ]?(?:と|、|・|/)[ ]?{_LIST_WORD}){{1,4}})"
    r"(?=[ ]?(?:(?P<count>の?[ ]?(?:(?:二|2|ふた|三|3|四|4|五|5)人|兄弟|姉妹|きょうだい|双子"
    r"|ふたご|年子))|の|が|は|を|も|\)))")
_LIST_SPLIT = re.compile(r"[ ]?(?:、|・|/)[ ]?")
# Latin names joined by and / e / y / và after a word for children, or before 'are my …'.
_LATIN_LIST = re.compile(
    rf"(?:(?i:kids|children|my kids|my children|sons|daughters)[:]?[ ]|^|(?<=[\n]))"
    rf"(?P<a>{_LATIN_WORD})[ ](?:and|e|y|và|at|&)[ ](?P<b>{_LATIN_WORD})"
    r"(?=[ ]?[,.]|[ ](?:são|sao|are|son|sont|là|ay|sind)\b)")
# Where the words around say it is a person, whatever the dictionary thinks of the word:
# (pattern, needs_name) — with needs_name, a kanji word must also be a name the dictionary
# lists, or one it does not know at all (not a common noun: 子どもの母です).
_FAMILY_WORDS = (rf"(?:{_RELATIVES}|お兄ちゃん|お姉ちゃん|むすめ|むすこ|おっと|つま|わたし|私|本人"
                 r"|長男|長女|次男|次女|三男|三女)")
# An age, a school year or a date of birth in brackets after a word: 「あおい（H28.6.6）」
# 「うちのさくらこ（3さい）」「宇野 りく（小3）」.
_ERA_DATE = (r"(?:[MTSHRmtshr]|明治|大正|昭和|平成|令和)?[0-9]{1,4}[./\-年][0-9]{1,2}[./\-月]"
             r"[0-9]{1,2}日?(?:生まれ|生)?")
_AGE = (rf"(?:[0-9]{{1,3}}[ ]?(?:歳|さい|才|か月|ヶ月|カ月|ヵ月)|小[1-6]|中[1-3]|高[1-3]"
        rf"|年[少中長]|{_ERA_DATE})")
_AGED = re.compile(rf"(?:^|(?<=[\n 、。,!！?？「(:)はがとや]|の))(?P<n>{_NAME})[ ]?\({_AGE}\)")
# Children listed with their ages: 「りく（6）とそら（3）」「（かんなは4さい）」
_CHILD = r"(?:[一-龥々]{1,3}|(?![がはのをにとも])[ぁ-ゖ]{2,5}|[ァ-ヴ][ァ-ヴー]{1,7})"
_CHILD_START = r"(?:^|(?<=[\n 、。,!！?？「(:)はがもの]))"
_BARE_AGE = r"\([0-9]{1,2}\)"
_AGED_PAIR = (re.compile(rf"{_CHILD_START}(?P<n>{_CHILD}){_BARE_AGE}"
                         rf"(?=[ ]?(?:と|、|,)[ ]?{_CHILD}{_BARE_AGE})"),
              re.compile(rf"{_BARE_AGE}[ ]?(?:と|、|,)[ ]?(?P<n>{_CHILD}){_BARE_AGE}"))
_AGE_SAID = re.compile(rf"{_CHILD_START}(?P<n>{_CHILD})は[ ]?[0-9]{{1,2}}[ ]?(?:歳|さい|才)"
                       r"(?![0-9])")
_PERSON_CONTEXT: tuple[tuple[re.Pattern[str], bool], ...] = (
    (_AGED, True),
    (_AGED_PAIR[0], True),
    (_AGED_PAIR[1], True),
    (_AGE_SAID, True),
    # 蓮（息子）, アンドレ（夫）とゆかり（わたし）; 私（榊）
    (re.compile(rf"(?P<n>{_NAME})[ ]?\({_FAMILY_WORDS}\)"), False),
    (re.compile(rf"(?:私|わたし|僕|ぼく)[ ]?\((?P<n>{_NAME})\)"), False),
    # 凪ちゃん, ケンタくん, しおり先生 (担任の先生 has no name before 先生)
    (re.compile(r"(?:^|(?<=[ のと、。,.!?！？「(]))(?P<n>[一-龥々]{1,3}|[ぁ-ゖ]{2,5}"
                r"|[ァ-ヴ][ァ-ヴー]{1,7})(?=ちゃん|くん|君|先生)"), False),
    # a letter's address: 「北村様方 リン様」, the person in the household named
    (re.compile(rf"(?<=[一-龥々ァ-ヴー])(?:様方|さま方)[ ]?(?P<n>{_NAME})(?=[ ]?(?:様|さま|殿))"),
     False),
    # 凛の母です, 芳子おばあちゃん, 陽葵っていうんですけど
    (re.compile(rf"(?:^|(?<=[ 、。,.!?！？「(るた]))(?P<n>{_NAME})の(?:母|父|親|祖母|祖父|保護者"
                r"|姉|兄|ママ|パパ|妻|夫|娘|息子|孫|家族|嫁|家内|主人|弟|妹|叔母|叔父|伯母|伯父)"
                r"(?=です|でございます|[ ]?[、。])"), True),
    # …also after a particle or a verb: 3年2組の村瀬の父です, 保育園に通う坂井の祖母です
    (re.compile(r"(?<=[ぁ-ゖ])(?P<n>[一-龥々]{1,4}|[ァ-ヴ][ァ-ヴー]{1,7})の(?:母|父|親|祖母|祖父"
                r"|保護者|姉|兄|ママ|パパ|妻|夫|娘|息子|孫|家族|嫁|家内|主人|弟|妹)(?:親)?"
                r"(?=です|でございます|[ ]?[、。])"), True),
    (re.compile(r"(?<![一-龥々ァ-ヴー])(?P<n>[一-龥々]{1,4}|[ァ-ヴ][ァ-ヴー]{1,6})"
                r"(?=おばあちゃん|おじいちゃん|ばあちゃん|じいちゃん|おばさん|おじさん)"), True),
    (re.compile(rf"(?P<n>{_NAME})」?(?=(?:っていう|という|って言う)(?:ん|名前|子|人|方)"
                r"|って(?:名前|人|方)(?:で|が|に|の|は|から))"), True),
    # a Korean signature: 박민호 드림 / 올림
    (re.compile(rf"(?P<n>[{_KOREAN_SURNAMES}][가-힣]{{1,2}})(?=[ ]?(?:드림|올림))"), False),
    # おれケンタ。, うちは陽菜です
    (re.compile(r"(?:^|(?<=[ 、。!！ぁ-ゖ]))(?:おれ|オレ|俺|あたし|うち|ぼく|僕)(?:は|、)?"
                r"(?P<n>[ァ-ヴ][ァ-ヴー]{1,6}|[一-龥々]{1,4})(?=[。、!！]|です|だ|っす"
                r"|や(?:けど|ねん|で|から))"), True),
    # レ・ヴァン・ハイ, ブイ・ティ・トゥー: three or four short katakana parts; チェ・ミンス:
    # two, the first a surname (checked in `_in_context`)
    (re.compile(r"(?<![ァ-ヴー・=])(?P<n>[ァ-ヴ][ァ-ヴー]{0,3}(?:[・=][ァ-ヴ][ァ-ヴー]{0,4}){1,3})"
                r"(?![ァ-ヴー・=])"), False),
)
# Words that stand where a name would and are not one (お兄ちゃん, 担任先生, 子どもの母).
_PERSON_WORDS = frozenset({
    "赤", "姉", "兄", "母", "父", "妹", "弟", "孫", "嬢", "坊", "お姉", "お兄", "お母", "お父",
    "ばあ", "じい", "おばあ", "おじい", "かあ", "とう", "おば", "おじ", "担任", "園長", "校長",
    "教頭", "医者", "主治医", "保育", "子ども", "子供", "こども", "娘", "息子", "うち", "私",
    "生徒", "児童", "園児", "本人", "友達", "友だち", "家族", "彼", "彼女", "誰", "みんな",
    "皆", "お子", "その", "この", "あの", "どの", "同じ", "上の", "下の", "相手", "先方",
    "ワン", "ケア", "コール", "ホーム", "ママ", "パパ"})
_LATIN_STOP = frozenset("""amazon google apple paypay yahoo suica pasmo visa mastercard zoom
    teams excel word android windows iphone ipad facebook instagram twitter youtube rakuten
    docomo softbank line pay wi-fi wifi mynaportal e-tax pdf ok
    i my the a an please thank thanks you hello hi dear best regards kind
    sincerely kazamino city hall japan tokyo office fax tel email e-mail mail phone address name
    ok yes no mr ms mrs dr sir madam help thank-you good morning bye it is am are this that
    what how when where why who can could would should will do does did my-number card
    resident registration tax insurance japanese vietnamese chinese korean american filipino
    nepali brazilian indian english foreigner foreign student new not sorry here living looking
    trying going calling writing from in at on to for and or with about also
    sick ill fine well ok okay busy free alone single married divorced pregnant lost late
    tired ready sure happy sad worried confused interested unemployed retired disabled
    back home out done new old moving staying working studying waiting leaving
    visitor tourist resident citizen mother father parent wife husband man woman boy girl
    elderly senior worker teacher nurse doctor engineer trainee intern there sorry glad""".split())
# Nouns residents write in kana after 「娘の」「母の」: not names.
_KANA_NOUNS = frozenset("""こと もの ため ほう ぶん ところ とこ せい よう ようす かわり おかげ
    ほか まま あと まえ うち みんな わけ はず つもり ほど くらい ぐらい など ころ とき ふく くつ
    へや かお こえ おむつ おもちゃ おやつ ごはん からだ びょうき けが ぐあい いえ みみ はな あし
    うで かみ くち はら あたま せなか""".split())
# Kana no name opens with (っちゃ of 母っちゃ, a dialect word for mother).
_NEVER_FIRST = frozenset("っゃゅょぁぃぅぇぉゎんーッャュョァィゥェォヮ")
# (and the same in katakana, as the elderly write a whole message: 「ツマガ　タオレテ　オキマセン」)
_KANA_ENDINGS = re.compile(r"(?:ます|です|さい|ました|ない|たい|って|ので|から|けど|よね|ません"
                           r"|マス|デス|マシタ|マセン|ナサイ|クダサイ)$")
_NOT_A_NAME = frozenset({"何", "なに", "なん", "どこ", "だれ", "誰", "どなた", "いつ", "よろしく",
                         "以上", "宜しく", "必要", "不要", "本人", "代理", "代理人", "同じ", "あと",
                         "ここ", "そこ", "それ", "これ", "あれ", "大丈夫", "まだ", "もう",
                         "ありがとう", "りょうかい", "りょーかい", "おっけー", "はーい",
                         # an honorific alone (母ちゃんの, 父さんが): the word it follows is who
                         "ちゃん", "さん", "くん", "さま", "様", "ちゃま", "たん",
                         # kana dishes the dictionary's other entries list as names
                         "ちゃんぽん", "ちゃんこ",
                         # what a resident writes where a name would go when there is none
                         "未定", "不明", "秘密", "ひみつ", "内緒", "ないしょ", "なし", "無し",
                         "匿名", "未記入", "空欄", "非公開"})


@dataclass(frozen=True)
class Token:
    surface: str
    start: int
    end: int
    pos: tuple[str, ...]
    oov: bool
    looked_up: bool = False  # tagged 人名 from the dictionary's other entries, not by Sudachi

    @property
    def person(self) -> str:
        """'姓', '名' or '一般' for 人名 tokens (一般 only outside ASCII), else ''."""
        if self.pos[1:3] != ("固有名詞", "人名"):
            return ""
        if self.pos[3] == "一般" and self.surface.isascii():
            return ""
        return self.pos[3]

    @property
    def proper(self) -> bool:
        return self.oov or self.pos[1] == "固有名詞"

    @property
    def noun(self) -> bool:
        return self.pos[0] in {"名詞", "接頭辞"} or self.oov


def _adverbial(word: str) -> bool:
    """A noun the dictionary lists as adverbial (今朝, 先週, 最近, 皆) and never as a name: it
    stands before ちゃんと (properly), くん or 先生 without being anyone's name."""
    entries = [m.part_of_speech() for m in sudachi_dictionary().lookup(word)]
    return (any(p[:3] == ("名詞", "普通名詞", "副詞可能") for p in entries)
            and not any(p[1:3] == ("固有名詞", "人名") for p in entries))


class NameFinder:
    """Finds personal names; one Sudachi tokenizer per thread (they are not thread-safe)."""

    def __init__(self, not_names: Iterable[str] = ()) -> None:
        self.not_names = tuple(sorted({n for n in not_names if n}, key=len, reverse=True))
        self._tokenizer = SudachiPerThread("C").get

    def tokens(self, text: str) -> list[Token]:
        """Sudachi tokens with offsets into `text`. A proper noun Sudachi read as a place or a
        company (本田, 中野), or a hiragana noun of three characters or more (さいとう), that
        the dictionary also lists as a person's name is tagged as one: context still decides."""
        out: list[Token] = []
        offset = 0
        for piece in sentences(text):
            for m in self._tokenizer().tokenize(piece):
                pos = tuple(m.part_of_speech())
                named = self._as_person(m.surface(), pos)
                out.append(Token(m.surface(), offset + m.begin(), offset + m.end(), named,
                                 m.is_oov(), named != pos))
            offset += len(piece)
        return out

    def _as_person(self, surface: str, pos: tuple[str, ...]) -> tuple[str, ...]:
        if pos[0] != "名詞" or pos[1:3] == ("固有名詞", "人名") or surface in self.not_names:
            return pos
        if pos[1] == "固有名詞":
            kinds = _name_kinds(surface)
        elif re.fullmatch(r"[ぁ-ゖ]{3,6}", surface) and surface not in _NOT_A_NAME:
            kinds = _name_kinds(_to_katakana(surface))
        else:
            return pos
        if not kinds:
            return pos
        kind = "姓" if "姓" in kinds else "名" if "名" in kinds else "一般"
        if kind == "一般" and pos[1] != "固有名詞":
            kind = "姓"  # はやし: a hiragana surname the dictionary has only as ハヤシ
        return ("名詞", "固有名詞", "人名", kind, *pos[4:])

    def find(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every personal name in `text` (already folded), sorted."""
        toks = self.tokens(text)
        spans = set(_tagged(text, toks))
        if _chinese(text):  # the dictionary's name tags: only a Chinese surname's (叫李静)
            spans = {(s, e) for s, e in spans if text[s] in _CHINESE_SURNAMES}
        spans |= set(_untagged(text, toks)) | set(_english(text))
        spans |= set(_narrative(text, toks)) | set(self._name_runs(toks))
        spans |= set(self._positional(text, toks)) | set(self._in_context(text))
        spans |= set(self._identified(text))
        spans |= set(self._decorated(text)) | set(self._handle(text))
        blocked = self._blocked(text)  # once: a long message may hold many names
        spans = {s for s in (self._trim(text, s, blocked) for s in spans) if s is not None}
        spans |= set(self._households(text)) | set(self._listed(text))
        spans |= set(self._joined(text, spans)) | set(self._siblings(text))
        spans = {(s, e) for s, e in spans
                 if not _named_after(text, s, e) and not _PLACE_SUFFIX.match(text, e)}
        spans |= set(self._spelled_after(text, spans))
        spans = _without_kin(text, spans)
        spans = {self._with_surname(text, s, e) for s, e in spans}
        spans = {(s, e) for s, e in spans if not self._katakana_sentence(_line(text, s, e))
                 and not _thing_not_person(text, s, e)}
        spans = {(s, e) for s, e in spans if not _PET_BEFORE.search(text, max(0, s - 12), s)
                 and not (_CARRIER.fullmatch(text, s, e) and _HONORIFIC.match(text[e:e + 3]))
                 and not (_CARRIER_SURNAME.fullmatch(text, s, e) and _HONORIFIC.match(text[e:e + 3])
                          and _DELIVERY.search(text))}
        names = {text[s:e] for s, e in spans}
        names |= {t.surface for t in toks if t.person and _inside(t, spans)}
        spans |= set(_repeats(text, names, blocked))
        return _disjoint(spans)

    def _decorated(self, text: str) -> Iterator[tuple[int, int]]:
        """Display names between emoji or marks (`_DECORATED`): a mark before the name, or
        「って名前」 after it; each word must look like a name in its script."""
        for m in _DECORATED.finditer(text):
            if not m["open"] and not m["then"].endswith("名前"):
                continue
            at = m.start("list")
            words = [w.strip() for w in m["list"].split("&")]
            found = []
            for word in words:
                start = text.find(word, at)
                at = start + len(word)
                if self._display_name(word):
                    found.append((start, at))
            if len(found) == len(words):
                yield from found

    def _handle(self, text: str) -> Iterator[tuple[int, int]]:
        """A signature's handle (`_HANDLE_SIGNED`): romaji syllables, an initial aside
        (miho.k, t.yamada), no English word."""
        m = _HANDLE_SIGNED.search(text)
        if m is None:
            return
        parts = re.split(r"[._]", m["n"])
        words = [p for p in parts if len(p) > 1]
        if (words and all(_ROMAJI_SYLLABLES.fullmatch(p) and p.lower() not in _LATIN_STOP
                          and p.lower() not in _ROMAJI_SAID and not _ROMAJI_VERB.search(p.lower())
                          for p in words) and sum(map(len, words)) >= 3):
            yield m.start("n"), m.end("n")

    def _display_name(self, word: str) -> bool:
        if word in _NOT_A_NAME or word in self.not_names or word in _PERSON_WORDS:
            return False
        if re.fullmatch(r"[ぁ-ゖー]{2,6}", word):
            return not _kana_noun(word) and (self._personal(word) or self._kana_names(word)
                                             or self._unknown_kana(word))
        if re.fullmatch(r"[A-Za-z]{2,12}", word):
            return word.lower() not in _LATIN_STOP and (
                _ROMAJI_SYLLABLES.fullmatch(word) is not None or word.istitle())
        return self._looks_like_name(word)

    def _with_surname(self, text: str, start: int, end: int) -> tuple[int, int]:
        """A kanji given name found alone after a word the dictionary lists as a surname and
        one space (宮内 清 殿: Sudachi read 宮内 as a common noun there): the full name."""
        m = re.search(r"(?<![一-龥々])([一-龥々]{1,3})[ ]$", text[max(0, start - 5):start])
        given = re.match(r"[一-龥々]{1,2}(?![一-龥々ぁ-ゖァ-ヴ])", text[start:end])
        if m is None or given is None or "名" not in _name_kinds(given.group(0)):
            return start, end
        word = m.group(1)
        if (word in self.not_names or word in _PERSON_WORDS or re.fullmatch(_RELATIVES, word)
                or "姓" not in _name_kinds(word)):
            return start, end
        return start - len(m.group(0)), end

    def _katakana_sentence(self, span: str) -> bool:
        """Japanese written in katakana, as on an old phone (ツマ オフロデ ウゴカナイ): katakana
        words, one of them a word the dictionary knows followed by its particle or ending
        (おふろ+で, うごか+ない, たおれ+た) — a sentence, not a foreign name on its own line."""
        words = [w for w in re.split(r"[ ・。、！？!?]", span) if w]
        if len(words) < 2 or not all(re.fullmatch(r"[ァ-ヴー]+", w) for w in words):
            return False
        for word in words:
            if len(word) < 3:
                continue
            toks = list(self._tokenizer().tokenize(fold_kana(word)))
            if len(toks) < 2:
                continue
            head, last = toks[0], toks[-1]
            if (last.part_of_speech()[0] in {"助詞", "助動詞", "形容詞"}
                    and not head.is_oov()
                    and head.part_of_speech()[0] in {"名詞", "動詞", "形容詞", "接頭辞"}
                    and head.part_of_speech()[1:3] != ("固有名詞", "人名")):
                return True
        return False

    def _spelled_after(self, text: str,
                       spans: set[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        """The same name in another script, in brackets right after a name found (Lin Mei（林美）,
        Bui Thi Hoa（ブイ・ティ・ホア）): not a role, a relative or a common word (（仮名）)."""
        for _, end in spans:
            m = _SPELLED_AFTER.match(text, end)
            if m is None:
                continue
            word = m["r"].strip()
            if (word in _PERSON_WORDS or word in _NOT_A_NAME or word in self.not_names
                    or re.fullmatch(_FAMILY_WORDS, word) or self._department(word)
                    or self._common_compound(word) or _kana_noun(word)
                    or _ROLE_AFTER.match(m.group(0))):
                continue
            if re.fullmatch(r"[一-龥々]+", word) and not self._name_or_unknown(word):
                continue
            yield m.start("r"), m.end("r")

    def _blocked(self, text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for word in self.not_names:
            # A one-character word (夫, 父, 者) blocks only on its own, not inside 和夫.
            guard = r"(?<![一-龥々])" if len(word) == 1 else ""
            out.extend((m.start(), m.end())
                       for m in re.finditer(guard + re.escape(word), text))
        return out

    def _positional(self, text: str, toks: list[Token]) -> Iterator[tuple[int, int]]:
        """Names found by where they stand (rule 5); `toks` are the text's own tokens."""
        verbs = {(t.start, t.end) for t in toks if t.pos[0] in {"動詞", "形容詞"}}
        for pattern, weak in _POSITIONAL:
            for m in _matches(pattern, text):
                name = _bare_name(m.group("n").strip())
                if pattern in _KINS:  # むすめの ひまりが かぜです: kana spaced after a particle
                    name = re.sub(r"^([ぁ-ゖ]{2,6})[がはをにもとの][ ][ぁ-ゖ ]+$", r"\1", name)
                    name = _NEXT_MEMBER.split(name)[0]  # 夫浩二 妻真由美: one member each
                start = m.start("n") + (len(m.group("n")) - len(m.group("n").lstrip()))
                if any(b == start and e > start + len(name) for b, e in verbs):
                    continue  # 息子が帰ってこない: the stem of the sentence's verb, not a name
                if (name in _NOT_A_NAME or _kana_grammar(name) or self._verb_phrase(name)
                        or (pattern is _OPENS_BRACKET and self._common_compound(name))
                        or not self._slot_holds_name(pattern, name)
                        or self._words_in_slot(pattern, m, name, start)):
                    continue
                kin = pattern in _KINS and self._family_name(
                    name, text[m.end("kin"):m.start("n")].strip(), m.group("kin"),
                    text[start + len(name):start + len(name) + 1])
                if (pattern in _KINS and not kin and len(name) == 1
                        and not text[m.end("kin"):m.start("n")].strip()):
                    continue  # 息子達の: one character joined to the family word, not a name
                if pattern is _OURS and re.fullmatch(r"[一-龥々]{2,3}", name) and not (
                        text.startswith("、", m.end("n")) or (
                            "名" in _name_kinds(name) and not _has_common_noun(name))):
                    continue  # うちの正治が: a given name only, not うちの大家が, うちの近所が
                if pattern is _OURS and (re.fullmatch(_FAMILY_WORDS, name) or not (
                        "名" in _name_kinds(_to_katakana(name)) | _name_kinds(name)
                        or self._unknown_kana(name)
                        or (re.fullmatch(r"[一-龥々]{1,2}", name) and self._nameable(name)
                            and name not in _PERSON_WORDS))):
                    continue  # a given name: not うちのむすめが, うちのあたりが, うちのマンションが
                kin = kin or pattern is _OURS or (
                    pattern is _OPENING and self._nameable(name, "姓"))
                kin = kin or (pattern in _BY_SURNAME and name not in _NOT_A_NAME)
                label = not weak and pattern is not _COPULA
                kin = kin or (pattern is _COPULA and self._kana_spells_name(name))
                kin = kin or (pattern in _PRONOUN_KANA_NAMES and (
                    (self._unknown_kana(name) and not sudachi_dictionary().lookup(name))
                    or self._personal(name)))  # not あたしやっぱ、
                # 「まつしたです。いつもお世話に…」: kana Sudachi cannot read, then a greeting
                kin = kin or (pattern is _COPULA and self._unknown_kana(name)
                              and _GREETING_NEXT.match(text, m.end("n")) is not None)
                kin = kin or (pattern is _COPULA and re.fullmatch(r"[ァ-ヴ][ァ-ヴー]{1,6}", name)
                              is not None and bool(_name_kinds(name))
                              and not self._loanword_compound(name))
                # a signature or a name ending the message, in hiragana (りん, ―― つじ)
                sign = pattern in _KANA_SIGNED or (pattern is _MESSAGE_END and "より" in (
                    m["signed"], m["n"].strip()[-2:]))
                # a romanized name alone under a signature's rule (――――⏎KAORI)
                kin = kin or (sign and re.fullmatch(r"[A-Za-z]{3,12}", name) is not None
                              and name.lower() not in _LATIN_STOP
                              and _ROMAJI_SYLLABLES.fullmatch(name) is not None)
                kin = kin or ((weak or sign) and re.fullmatch(r"[ぁ-ゖー]{2,6}", name) is not None
                              and not _kana_noun(name)
                              and (self._personal(name) or (sign and self._kana_names(name))))
                if not name or not (kin or self._looks_like_name(name, label=label)
                                    or self._reading_of_name(text, m.start("n"), name)):
                    continue
                before = text[:m.start("n")].rstrip()[-1:]
                if weak and not (kin or self._personal(name) or (
                        _spaced_kana(name) and before and not _KANA_CHAR.match(before))):
                    continue  # a whole message 「げんつき はいしゃ」 is a search, not a name
                # (a kana given name Sudachi cuts in pieces after a family word: むすめの ひまりが)
                signed = sign or re.search(r"\n[ ]?$", text[:m.start("n")]) is not None or (
                    pattern in _KINS and kin and self._hiragana_name(name))
                if weak and (_sentence_not_name(name) or (
                        re.fullmatch(r"[ぁ-ゖー]+", name) and kana_heavy(text)
                        and not (signed or _name_kinds(_to_katakana(name)) & {"姓", "名"}))):
                    continue  # 「我家厨房着火了」 on a line; 「こうえん の ゆうぐ」 ends a search
                yield start, start + len(name)

    def _words_in_slot(self, pattern: re.Pattern[str], m: re.Match[str], name: str,
                       start: int) -> bool:
        """Ordinary words where a family word or うちの expects a name: what the family
        member is said to be or have (母はげんきです, 父の顔が, 息子ですが — `_said_of_kin`), a
        kana noun, の and a noun after うちの (うちのねこのひげが)."""
        if pattern in _KINS:
            return self._said_of_kin(name, m.string[m.end("kin"):m.start("n")].strip(),
                                     m.string, start)
        return (pattern is _OURS and re.fullmatch(r"[ぁ-ゖ]+", name) is not None
                and self._phrase_of_nouns(name))

    def _said_of_kin(self, name: str, joint: str, text: str, start: int) -> bool:
        """What a family word is said to be or have, not their name: a body part after の
        (父の顔が, 孫の手を); after は/が a kana word that is not what anyone is called — a
        state, an activity or a place (母はげんきです, 夫はしごとで, 下の子はほいくえんに,
        母はデイサービスに), also where the candidate ends inside one of the message's words
        (兄はひきこ|もり); a copula opening the candidate (息子ですが、)."""
        if re.match(r"(?:です|でした|でしょ|だった|だけど|だから|だよ)", name):
            return True
        if not joint and name[:1] in {"の", "は", "が"}:  # 母はげんき read as one run
            joint, name, start = name[0], name[1:], start + 1
        if joint == "の":
            return name in _BODY_PARTS and text[start + len(name):start + len(name) + 1] in set(
                "がをにはものへで、")
        if joint not in {"は", "が"} or not re.fullmatch(r"[ぁ-ゖァ-ヴー]{2,8}", name):
            return False
        end = start + len(name)
        toks = self.tokens(text)
        if any(t.start < end < t.end for t in toks):
            return True  # the candidate cuts a word of the message in two
        return any(t.start == start and t.end - t.start >= 2 and not t.person and (
            t.pos[0] in {"動詞", "形容詞", "形状詞"} or t.pos[1] == "普通名詞"
            or t.pos[1:3] == ("固有名詞", "一般")) for t in toks)

    def _phrase_of_nouns(self, name: str) -> bool:
        """Hiragana that is a common noun, a case particle and more words (ねこのひげ)."""
        toks = self.tokens(name)
        return any(a.pos[1] == "普通名詞" and b.pos[:2] == ("助詞", "格助詞")
                   for a, b in zip(toks[:-2], toks[1:-1], strict=True))

    def _identified(self, text: str) -> Iterator[tuple[int, int]]:
        """Names said to be who someone is (`_IDENTIFIED`) or a friend's (`_ACQUAINTANCE`)."""
        for pattern in (_IDENTIFIED, _ACQUAINTANCE):
            for m in pattern.finditer(text):
                if self._called(m["n"]):
                    yield m.start("n"), m.end("n")

    def _called(self, name: str) -> bool:
        """What someone is called, not a state or a thing: hiragana the dictionary lists as a
        name in some spelling and in no state's form (りく, あやか; not げんき, るす); katakana
        it reads as a person; kanji Sudachi itself tags as a name, never a common noun."""
        if name in _NOT_A_NAME or name in _PERSON_WORDS or name in self.not_names:
            return False
        if re.fullmatch(r"[ぁ-ゖー]+", name):
            entries = [e.part_of_speech() for e in sudachi_dictionary().lookup(name)]
            if (_kana_noun(name) or _KANA_ENDINGS.search(name) or _adverbial(name)
                    or any(p[0] in _STATE_HEAD or p[2] in _STATE_POS for p in entries)):
                return False
            # (ー for a long vowel, as the young write it: しょーた is しょうた)
            return self._kana_names(name) or (
                "ー" in name and self._kana_names(name.replace("ー", "う")))
        if re.fullmatch(r"[ァ-ヴー]+", name):
            return (self._personal(name) and not _common_noun(name)
                    and not self._loanword_compound(name))
        toks = self.tokens(name)
        return (len(toks) == 1 and bool(toks[0].person) and not toks[0].looked_up
                and not _has_common_noun(name))

    def _verb_phrase(self, name: str) -> bool:
        """Hiragana that opens with a verb going on in its own grammar (つけかた, なくした,
        つないで, やった, ならんくなった): a resident's question in kana after a noun, not a name.
        A name Sudachi reads as a verb (まさる, ゆう|た) stays one when the dictionary lists its
        katakana spelling as a name."""
        for part in name.split():
            if not re.fullmatch(r"[ぁ-ゖー]{2,10}", part) or (
                    _name_kinds(_to_katakana(part)) & {"姓", "名"}):
                continue
            toks = self.tokens(part)
            if any(t.person for t in toks):
                continue
            # the verb opens the word (not きの|し|た, まつ|し|た: 木下, 松下 in kana)
            if toks[0].pos[0] == "動詞" and any(
                    t.pos[0] in {"助動詞", "助詞"} or t.surface == "かた" for t in toks[1:]):
                return True
        return False

    def _slot_holds_name(self, pattern: re.Pattern[str], name: str) -> bool:
        """The checks of the slots that need one (see `_SURNAME_SLOTS` …); True elsewhere."""
        if name[:1] in _NEVER_FIRST:
            return False  # 母っちゃ: a name never opens with a small kana
        if pattern is _SPACED_KANA_INTRO:
            return self._kana_given_name(name)
        if pattern is _OWN_LINE:
            return not _chinese(name)
        if pattern in _SUDACHI_NAMED:
            toks = [t for t in self.tokens(name) if t.surface.strip()]
            return bool(toks) and all(t.person in {"姓", "名"} and not t.looked_up
                                      for t in toks)
        if pattern in _LATIN_SLOTS:
            return _latin_slot_holds_name(pattern, name)
        if pattern in _SURNAME_SLOTS:
            return self._nameable(name, "姓") and name not in self.not_names
        if pattern is _CLAUSE_KANA:
            return not _KANA_ENDINGS.search(name) and not _PRONOUN_KANA.match(name) and (
                self._unknown_kana(name) or bool(_name_kinds(_to_katakana(name)) & {"名"}))
        if pattern is _KANA_SURNAME_SAN:
            return "姓" in _name_kinds(_to_katakana(name))
        if pattern is _WHO_KATAKANA:
            return self._personal(name)
        if pattern is _OURS_AGED:
            return not (name in _PERSON_WORDS or _kana_noun(name) or _adverbial(name)
                        or _KANA_ENDINGS.search(name)) and (
                not re.fullmatch(r"[一-龥々]+", name) or self._name_or_unknown(name))
        return True

    def _in_context(self, text: str) -> Iterator[tuple[int, int]]:
        """Names whose surroundings say they are a person (see `_PERSON_CONTEXT`)."""
        for pattern, needs_name in _PERSON_CONTEXT:
            found = _overlapping(pattern, text) if pattern in _AGED_PAIR else pattern.finditer(text)
            for m in found:
                name = m.group("n").strip()
                if (not name or name in _NOT_A_NAME or name in _PERSON_WORDS
                        or name in self.not_names or self._department(name)
                        or any(p in _PERSON_WORDS for p in name.split("・"))
                        or _adverbial(name) or self._clause(name)
                        or self._common_compound(name)):  # 予防接種（子ども）
                    continue
                if pattern in (_AGE_SAID, *_AGED_PAIR) and (
                        len(name) < 2 or re.fullmatch(_RELATIVES, name)
                        or re.fullmatch(_FAMILY_WORDS, name)
                        or _kana_grammar(name) or _kana_noun(name)):
                    continue  # 娘は3歳: who, not a name
                if pattern is _AGED:
                    first = name.split()[0]
                    if re.fullmatch(_RELATIVES, first) or first in _PERSON_WORDS:
                        continue  # 長男（5歳）: who, not a name
                    if " " in name and not self._nameable(name.split()[0], "姓"):
                        name = name.split()[-1]  # うちの子 ゆうと（H30.2.3）
                        if name in _PERSON_WORDS or re.fullmatch(_RELATIVES, name):
                            continue
                if needs_name and not self._name_or_unknown(name):
                    continue
                parts = name.split("・")
                if len(parts) == 2 and not self._nameable(parts[0], "姓"):
                    continue  # ワン・ストップ, ケア・マネージャー
                if len(parts) > 2 and any(len(p) > 4 for p in parts):
                    continue
                start = m.start("n") + (len(m.group("n")) - len(m.group("n").lstrip()))
                start += m.group("n").strip().rfind(name) if pattern is _AGED else 0
                yield start, start + len(name)

    def _name_runs(self, toks: list[Token]) -> Iterator[tuple[int, int]]:
        """Words joined by 、 / と / ・ (spaces aside) of which two or more are names Sudachi
        tags itself (健太、翼、莉子の順; トム と アンナ): the list is of people, so each word the
        dictionary lists as a name is one too."""
        i = 0
        while i < len(toks):
            words, k = [i], i + 1
            while True:
                while k < len(toks) and toks[k].surface == " ":
                    k += 1
                if k >= len(toks) or toks[k].surface not in _RUN_JOINS:
                    break
                k += 1
                while k < len(toks) and toks[k].surface == " ":
                    k += 1
                if k >= len(toks) or not _RUN_WORD.fullmatch(toks[k].surface):
                    break
                words.append(k)
                k += 1
            i = words[-1] + 1
            tagged = [w for w in words if toks[w].person and not toks[w].looked_up
                      and _RUN_WORD.fullmatch(toks[w].surface)]
            if len(words) < 2 or len(tagged) < 2:
                continue
            for n, w in enumerate(words):
                between = 0 < n < len(words) - 1 and {words[n - 1], words[n + 1]} <= set(tagged)
                if w in tagged or between or self._listed_name(toks[w].surface):
                    yield toks[w].start, toks[w].end

    def _joined(self, text: str, spans: set[tuple[int, int]]) -> Iterator[tuple[int, int]]:
        """Names listed after a name found (結翔と芽依です, 美羽、陽向の): the next word is a
        name when the dictionary lists it as one."""
        for _, end in spans:
            while (m := _JOINED.match(text, end)) is not None and self._listed_name(m["n"]):
                yield m.start("n"), m.end("n")
                end = m.end("n")

    def _households(self, text: str) -> Iterator[tuple[int, int]]:
        """A surname naming a household: 「佐藤方」「山田様方」「吉川宅」「高橋家の墓地」. The word
        must be a surname the dictionary lists, and not one word with what follows (大家, 作家
        are words; 田中方面 goes on in kanji)."""
        for m in _HOUSEHOLD.finditer(text):
            name = m["n"]
            if (name in self.not_names or not self._nameable(name, "姓")
                    or self._nameable(name + m["h"][-1], any_word=True)):
                continue
            yield m.start("n"), m.end("n")

    def _listed(self, text: str) -> Iterator[tuple[int, int]]:
        """Names in a list that says it is of people: 「けんたとしょうたの二人分」「双子の蒼太と
        碧斗の」, or, opening a clause, kanji words the dictionary lists as names
        (陽菜と結衣の学童)."""
        for m in _NAME_LIST.finditer(text):
            words = list(self._list_words(m))
            if m["count"] and all(self._sibling_name(w) for _, _, w in words):
                yield from ((s, e) for s, e, _ in words)
            elif m["group"] and m["group"].endswith("("):
                # 子ども3人(ゆい、こうき、りお): the whole bracket is the list
                yield from self._bracket_list(text, m.start("list"))
            elif m["group"] and all(self._group_name(w) for _, _, w in words):
                yield from ((s, e) for s, e, _ in words)
            elif all(re.fullmatch(r"[一-龥々]{2,3}", w) and self._listed_name(w)
                     for _, _, w in words):
                yield from ((s, e) for s, e, _ in words)
        for m in _LATIN_LIST.finditer(text):
            if all(self._looks_like_name(m[g]) for g in ("a", "b")):
                yield from ((m.start(g), m.end(g)) for g in ("a", "b"))

    def _bracket_list(self, text: str, start: int) -> Iterator[tuple[int, int]]:
        close = text.find(")", start)
        if close < 0:
            return
        words, at = [], start
        for word in _LIST_SPLIT.split(text[start:close]):
            words.append((text.find(word, at), text.find(word, at) + len(word), word))
            at = words[-1][1]
        if len(words) >= 2 and all(re.fullmatch(_LIST_WORD, w) and self._sibling_name(w)
                                   and not _kana_noun(w) for _, _, w in words):
            yield from ((s, e) for s, e, _ in words)

    def _group_name(self, word: str) -> bool:
        """After 双子の / 参加者は: a name the dictionary lists, a kanji word it does not know,
        or kana it cannot read as words (not 子どもはいると…)."""
        if re.fullmatch(r"[ぁ-ゖ]+", word):
            return self._listed_name(word) or self._unknown_kana(word)
        return self._sibling_name(word) and (
            self._listed_name(word) or not sudachi_dictionary().lookup(word))

    def _list_words(self, m: re.Match[str]) -> Iterator[tuple[int, int, str]]:
        """(start, end, word) of each word of a matched `_NAME_LIST`: split at 、 and ・, and
        at と unless the piece is one name ending in と (はると, ゆうと)."""
        at = m.start("list")
        for piece in _LIST_SPLIT.split(m["list"]):
            for word in self._split_at_to(piece) or [piece]:
                start = m.string.find(word, at)
                at = start + len(word)
                yield start, at, word

    def _split_at_to(self, piece: str) -> list[str]:
        """`piece` cut at と into list words: whole if it is one name (はると), else at the と
        that leaves a word on each side (ゆうと|と|あおい); [] when no cut does."""
        if re.fullmatch(_LIST_WORD, piece) and self._sibling_name(piece):
            return [piece]
        for i in (i for i, c in enumerate(piece) if c == "と" and 0 < i < len(piece) - 1):
            left, right = piece[:i].strip(), piece[i + 1:].strip()
            if right.startswith("と") or not re.fullmatch(_LIST_WORD, left):
                continue
            rest = self._split_at_to(right)
            if rest:
                return [left, *rest]
        return [piece] if re.fullmatch(_LIST_WORD, piece) else []

    def _siblings(self, text: str) -> Iterator[tuple[int, int]]:
        """Two names before 兄弟 / 姉妹 / 双子 (かえでとひなたの兄弟): short kana words or kanji
        words the dictionary lists as names or does not know."""
        for m in _SIBLINGS.finditer(text):
            pair = [g for g in ("a", "b") if self._sibling_name(m[g])]
            if len(pair) == 2:
                yield from ((m.start(g), m.end(g)) for g in pair)

    def _sibling_name(self, word: str) -> bool:
        if (word in _PERSON_WORDS or word in _NOT_A_NAME or word in self.not_names
                or re.fullmatch(_RELATIVES, word)):
            return False
        if re.fullmatch(r"[ぁ-ゖ]+", word):
            return not _KANA_ENDINGS.search(word)
        if re.fullmatch(r"[ァ-ヴー]+", word):
            return self._listed_name(word)
        return self._name_or_unknown(word)

    def _listed_name(self, word: str) -> bool:
        """A word the dictionary lists as a person's name (a kana one in katakana)."""
        if (word in _NOT_A_NAME or word in _PERSON_WORDS or word in self.not_names
                or re.fullmatch(_RELATIVES, word)):
            return False
        kinds = _name_kinds(_to_katakana(word) if re.fullmatch(r"[ぁ-ゖ]+", word) else word)
        if re.fullmatch(r"[ぁ-ゖ]+", word):
            return bool(kinds & {"姓", "名"}) and not _KANA_ENDINGS.search(word)
        if re.fullmatch(r"[ァ-ヴー]+", word):
            return bool(kinds) or self._personal(word)
        return bool(kinds)

    def _name_or_unknown(self, word: str) -> bool:
        """A word the dictionary lists as a person's name, or does not know at all; kana and
        Latin words pass (the context already said it is a person)."""
        if not re.search(r"[一-龥々]", word):
            return True
        return self._nameable(word) or not sudachi_dictionary().lookup(word) or any(
            t.person for t in self.tokens(word))

    def _looks_like_name(self, name: str, label: bool = False) -> bool:
        """Not a question word, a common noun (カタカナ, 学生) or an English phrase. After a
        label (`label`), a run of hiragana Sudachi cannot read as one word counts too
        (申請者はまるやまれんです)."""
        if (name in _NOT_A_NAME or name in self.not_names or self._department(name)
                or self._loanword_compound(name)):
            return False
        if re.fullmatch(r"[가-힣]{2,4}|[\u0900-\u097F]+(?:[ ][\u0900-\u097F]+){0,2}", name):
            return True  # only the Korean and Nepali introductions look for Hangul, Devanagari
        if name.isascii():
            words = name.replace(".", " ").split()
            if len(words) == 1 and name.isupper():
                return False  # DAN, NHK, JR
            # a short capitalised word inside a name is a name's part (Nguyen Van An, Le Do Ha)
            return not any(w.lower() in _LATIN_STOP and not (i and len(w) <= 2 and w.istitle())
                           for i, w in enumerate(words))
        parts = [p for p in re.split(r"[ ・]", name) if p]
        spaced = len(parts) > 1
        if re.fullmatch(r"[ぁ-ゖァ-ヴー・ ]+", name) and spaced:
            # いしかわ さくら, ヤマモト・タロウ: a spaced kana name, unless a part is a phrase;
            # イ ミンジュン, オ・ジヘ: a one-kana Korean surname before a given name
            short_surname = parts[0] in _ONE_KANA_SURNAMES and len(parts[1]) >= 2
            return all((len(p) >= 2 or (i == 0 and short_surname)) and p not in _NOT_A_NAME
                       and not _KANA_ENDINGS.search(p) for i, p in enumerate(parts))
        if label and re.fullmatch(r"[一-龥々]{1,4}", name) and self._nameable(name, "姓"):
            return True  # 連絡は根本（080…）: a surname Sudachi reads as a common noun here
        toks = [t for t in self.tokens(name) if t.pos[0] not in _BOUNDARY_POS]
        if (label and re.fullmatch(r"[ぁ-ゖ]{3,10}", name) and len(toks) > 1
                and not _KANA_ENDINGS.search(name)):
            return True
        if not toks or any(t.pos[0] not in {"名詞", "接頭辞", "接尾辞"} and not t.oov
                           for t in toks):
            return False
        if spaced and any(len(p) >= 3 and re.search(r"[一-龥々]", p) and not self._proper(p)
                          for p in parts):
            return False  # 「伊藤健一 児童手当」: the second part is not a name
        return any(self._proper(t.surface) for t in toks)

    def _reading_of_name(self, text: str, start: int, name: str) -> bool:
        """Kana in brackets right after a name already found by its tags (山下 和也（やました
        かずや）): a reading, whatever its last syllables look like."""
        before = text[:start].rstrip("( ")
        if not re.fullmatch(r"[ぁ-ゖァ-ヴー][ぁ-ゖァ-ヴー ・]{1,20}", name) or not before:
            return False
        toks = [t for t in self.tokens(before[-12:]) if t.pos[0] not in _BOUNDARY_POS]
        return bool(toks) and bool(toks[-1].person)

    def _personal(self, name: str) -> bool:
        """A word Sudachi knows as a person's name (or cannot read at all), or romaji of two
        words or more: what a weak position needs (「げんつき はいしゃ」 is a search)."""
        if name.isascii():  # two words or more, one of them Capitalised (YAMADA Taro, T.Sato)
            words = [w for w in re.split(r"[ .]", name) if w]
            # or all in capitals like a passport (SAITO KENTARO), each with a vowel
            caps = all(w.isupper() and len(w) >= 3 and re.search("[AEIOUY]", w)
                       and w.lower() not in _LATIN_STOP for w in words)
            return len(words) >= 2 and (caps or any(w[:1].isupper() and w[1:].islower()
                                                    for w in words))
        if any(word in name for word in self.not_names if len(word) > 1):
            return False  # 「マイナカード」 holds マイナ, which is never a name
        toks = self.tokens(name)
        if any(t.person or (t.oov and t.pos[1] != "数詞" and not self._loanword_compound(t.surface))
               for t in toks):
            return True
        # りん: a hiragana word the dictionary knows as a name in katakana (リン). Not one
        # whose katakana spelling is merely unknown: ヨヤク and ホイクエン are unknown too.
        return re.fullmatch(r"[ぁ-ゖー]{2,6}", name) is not None and name not in _NOT_A_NAME and (
            bool(_name_kinds(_to_katakana(name)) & {"姓", "名"}))

    def _kana_names(self, name: str) -> bool:
        """Hiragana the dictionary lists as a surname or given name in itself, in katakana or in
        the kanji it spells (しおり, つじ → 辻); not a kana noun residents write (こと, いえ)."""
        if name in _NOT_A_NAME or name in _KANA_NOUNS or _KANA_ENDINGS.search(name):
            return False
        forms = {name, _to_katakana(name)} | {
            e.normalized_form() for e in sudachi_dictionary().lookup(name)}
        return any(_name_kinds(f) & {"姓", "名"} for f in forms)

    def _loanword_compound(self, word: str) -> bool:
        """A katakana word Sudachi cannot read that is two ordinary words the dictionary
        lists, neither of them a name (コミュニティ+バス): a thing, not a person."""
        if not re.fullmatch(r"[ァ-ヴー]{4,16}", word):
            return False
        return any(_common_noun(word[:i]) and _common_noun(word[i:])
                   for i in range(2, len(word) - 1))

    def _kana_given_name(self, name: str) -> bool:
        """The last part of a spaced kana name is a given name the dictionary lists (ユイ)."""
        parts = name.split()
        return len(parts) == 2 and not _KANA_ENDINGS.search(parts[0]) and (
            "名" in _name_kinds(_to_katakana(parts[1])))

    def _kana_spells_name(self, name: str) -> bool:
        """Hiragana whose katakana spelling Sudachi reads as names only (おかだたくや →
        オカダ タクヤ), not 「もういい」."""
        if not re.fullmatch(r"[ぁ-ゖー]{3,12}", name) or name in _NOT_A_NAME:
            return False
        kata = _to_katakana(name)
        if any("姓" in _name_kinds(kata[:i]) and "名" in _name_kinds(kata[i:])
               for i in range(2, len(kata) - 1)):
            return True  # サカイ + ユウマ, read by Sudachi as one unknown word
        toks = [t for t in self.tokens(kata) if t.pos[0] not in _BOUNDARY_POS]
        named = [t for t in toks if t.person]
        # サカイ ユウ マ: a one-kana remainder Sudachi could not join is part of the name
        return bool(named) and all(t.person or len(t.surface) == 1 for t in toks) and (
            sum(len(t.surface) for t in named) >= 2 * sum(not t.person for t in toks) + 2)

    def _unknown_kana(self, name: str) -> bool:
        """Hiragana whose katakana spelling is one word the dictionary does not know
        (ひなの → ヒナノ), as a child's name is; not ねこ, まわり."""
        if not re.fullmatch(r"[ぁ-ゖー]{2,5}", name) or _KANA_ENDINGS.search(name):
            return False
        kata = self.tokens(_to_katakana(name))
        return len(kata) == 1 and kata[0].oov

    def _hiragana_name(self, name: str) -> bool:
        """A hiragana given name Sudachi cuts into pieces (ひまり → ひま/り) is a name if its
        katakana spelling is one word Sudachi knows as a name or cannot read (ヒマリ)."""
        if not re.fullmatch(r"[ぁ-ゖー]{2,5}", name) or name in _NOT_A_NAME:
            return False
        toks = self.tokens(name)
        if len(toks) < 2 or _KANA_ENDINGS.search(name) or any(t.pos[0] == "助詞" for t in toks):
            return False  # 「ために」「がひ」: particles, not a name
        kata = self.tokens(_to_katakana(name))
        return len(kata) == 1 and (bool(kata[0].person) or kata[0].oov)

    def _family_name(self, name: str, joint: str, kin: str, after: str = "") -> bool:
        """After a family word: a hiragana given name, or — set beside it (娘の凛が, 息子蒼の,
        not 夫が酒を) — a kanji word the dictionary also knows as a given name, unless the two
        are one word (母子, 妻子)."""
        if self._hiragana_name(name):  # 娘のひまりが, 娘ひなた、 (not 父がひとり)
            return joint in {"の", "は", "が", "、", "・"} or (
                not joint and name[0] not in "がはのをにとも")
        if (not joint and re.fullmatch(r"[ぁ-ゖ]{2,5}", name) and after == "、"
                and name[0] not in "がはのをにとも"
                and not re.match(r"たち|ちゃん|さん|くん|さま|ども|ら$", name)
                and not _KANA_ENDINGS.search(name) and not name.endswith("て")):
            return True  # うちの娘ひなた、H30.7.21生まれ: set off by a comma
        if joint == "の" and self._kana_after_kin(name):
            return True  # 息子のりくの, 娘のひなたと
        if re.fullmatch(_LATIN_WORD, name) and self._looks_like_name(name):
            return True  # 主人はPaulo: a verb is never a capitalised Latin word
        if joint in {"は", "が"}:
            # 夫が酒を…: after が / は comes what they do, not who they are — except what a
            # birth order is said to be, a given name the dictionary lists (上の子が蓮、…)
            return (kin in _BIRTH_ORDER and after in {"、", "。", "で"}
                    and re.fullmatch(r"[一-龥々]{1,3}", name) is not None
                    and "名" in _name_kinds(name))
        if re.fullmatch(r"[ァ-ヴ][ァ-ヴー]{1,7}", name):
            # お兄ちゃんのマテウス; 祖母のハツが: a short katakana word the dictionary also
            # lists as a person's name (not 母のケアが)
            return self._personal(name) or (len(name) <= 4 and bool(_name_kinds(name)))
        if not joint and kin in _BIRTH_ORDER and re.fullmatch(r"[一-龥々]{1,3}", name):
            return True  # 長女心春、次女芽依: a birth order is followed by a name
        entries = {p for e in sudachi_dictionary().lookup(name) for p in e.part_of_speech()[:2]}
        if not joint and entries & _NOT_GIVEN_POS:
            return False  # 息子達, 娘用: a suffix, not a name
        if (not joint and kin in {"息子", "娘", "孫"} and re.fullmatch(r"[一-龥々]{1,2}", name)
                and not self._nameable(kin + name[:1], any_word=True)
                and (len(name) == 1 or "普通名詞" not in entries)):
            return True  # 息子颯の, 娘柚の: a child's name joined to the word, not 娘婿
        if self._common_compound(name) or (
                joint == "の" and after == "(" and _reads_as_given_name(name)):
            return self._word_as_given_name(name, joint, after)
        if (not re.fullmatch(r"[一-龥々]{1,3}", name) or name in _NOT_A_NAME
                or name in self.not_names or not (
                    self._nameable(name) or (joint and not self._nameable(name, any_word=True)))):
            return False  # 息子、颯真の: a word the dictionary does not know, set off, is a name
        return bool(joint) or not self._nameable(kin + name[:1], any_word=True)

    def _word_as_given_name(self, name: str, joint: str, after: str) -> bool:
        """After 「孫の」「息子の」, a word of the language that is also a given name: 空 before
        an age (read ソラ, a name), 大地 and 勇気 before a particle (息子の大地が, 弟の勇気、).
        Other compounds are words (祖母の葬祭費: 葬祭 + 費)."""
        if joint != "の":
            return False
        if after == "(" and _reads_as_given_name(name):
            return True
        return (self._common_compound(name) and "名" in _name_kinds(name)
                and after in {"が", "、", "と", "(", "も", "は"})

    def _kana_after_kin(self, name: str) -> bool:
        """A hiragana word after 「娘の」「息子の」: a name unless it is a noun residents write in
        kana (娘のおむつ, 父のこと, 母のため) — one the dictionary spells so, or does not have
        as a noun at all. 陸 (りく) and 日向 (ひなた) are usually written in kanji; as a child's
        given name they are written in kana."""
        if (not re.fullmatch(r"[ぁ-ゖ]{2,5}", name) or name in _KANA_NOUNS
                or name[0] in "がはのをにとも" or _KANA_ENDINGS.search(name)):
            return False
        if _kana_noun(name):
            return False  # ために, ことが
        entries = sudachi_dictionary().lookup(name)
        katakana = sudachi_dictionary().lookup(_to_katakana(name))
        if any(e.part_of_speech()[1] == "固有名詞" for e in (*entries, *katakana)):
            return True  # ひなた (ヒナタ)
        if not entries and not katakana:  # ゆうま: no word at all (not しつけのこ: words)
            return not any(t.pos[0] in {"助詞", "助動詞", "動詞"} for t in self.tokens(name))
        nouns = [e for e in entries if e.part_of_speech()[0] == "名詞"]
        # りく: a two-kana noun the dictionary writes with one kanji (陸), as given names are
        return len(name) == 2 and bool(nouns) and len(nouns) == len(entries) and all(
            re.fullmatch(r"[一-龥々]", e.normalized_form()) for e in nouns)

    def _clause(self, words: str) -> bool:
        """A common noun, then a case particle: a piece of a sentence (自転車がぶつか|って人が),
        not a name."""
        toks = self.tokens(words)
        return any(a.pos[1] == "普通名詞" and b.pos[:2] == ("助詞", "格助詞")
                   and b.surface in {"が", "を", "に", "で", "へ"}  # うちの|こはる: a name
                   for a, b in zip(toks, toks[1:], strict=False))

    def _common_compound(self, word: str) -> bool:
        """A kanji word the dictionary reads as common nouns and suffixes, one of two characters
        or more (予防接種, 葬祭+費): words, where a given name it does not know is cut into
        single characters (颯+真)."""
        toks = self.tokens(word)
        return (re.fullmatch(r"[一-龥々]+", word) is not None
                and all(t.pos[1] == "普通名詞" or t.pos[0] == "接尾辞" for t in toks)
                and not any(t.person for t in toks)
                and any(len(t.surface) >= 2 for t in toks))

    def _nameable(self, word: str, kind: str | None = None, any_word: bool = False) -> bool:
        """Whether the dictionary has `word` as a person's name (of `kind`: 姓 or 名);
        with `any_word`, whether it has it as any word at all."""
        if any_word:
            return bool(sudachi_dictionary().lookup(word))
        kinds = _name_kinds(word)
        return bool(kinds) and (kind is None or kind in kinds)

    def _proper(self, word: str) -> bool:
        return any(t.person or t.oov or t.pos[1] == "固有名詞" for t in self.tokens(word))

    def _trim(self, text: str, span: tuple[int, int],
              blocked: list[tuple[int, int]]) -> tuple[int, int] | None:
        """Cut away any part of the span that belongs to a word that is never a name."""
        start, end = span
        for b_start, b_end in blocked:
            if (b_start < start < b_end < end or start < b_start < end < b_end) and re.fullmatch(
                    r"[ぁ-ゖ]+", text[b_start:b_end]):
                continue  # どうも|のむら: a kana word across the name's edge is no word there
            if b_start < end and start < b_end:
                if b_start <= start and end <= b_end:
                    return None
                start, end = (b_end, end) if b_start <= start else (start, b_start)
        name = text[start:end].strip()
        if not name or name in self.not_names or self._department(name):
            return None
        return start, end

    def _department(self, name: str) -> bool:
        """…課, …センター, …部: a department, unless the word is a surname Sudachi knows whole
        (阿部, 服部, 田所 end like a department and are people)."""
        if not _DEPARTMENT.search(name):
            return False
        last = [t for t in self.tokens(name) if t.pos[0] not in _BOUNDARY_POS][-1:]
        return not (last and last[0].person and _DEPARTMENT.fullmatch(last[0].surface) is None)


# What a word joined to 息子/娘 is when it is not a name: 息子達, 娘用.
_NOT_GIVEN_POS = frozenset({"接尾辞", "助詞", "助動詞", "動詞"})


@lru_cache(maxsize=8192)
def _loanword(word: str) -> bool:
    """A katakana word of three letters or more the dictionary has as a common noun and as
    no surname or given name (ワーク, バランス: the dictionary's 人名・一般 entry aside)."""
    entries = sudachi_dictionary().lookup(word)
    return (len(word) >= 3 and any(m.part_of_speech()[1] == "普通名詞" for m in entries)
            and not any(m.part_of_speech()[2:4] in {("人名", "姓"), ("人名", "名")}
                        for m in entries))


def _thing_not_person(text: str, start: int, end: int) -> bool:
    """What a name rule took that names no person: a word that answers for a missing name
    (名前は未定です); katakana loanwords joined by ・ or ＝ that the dictionary knows joined as
    a thing (ワーク・ライフ・バランス, ペット・ボトル — not ローズ・ミラー, whose parts are words
    too); a Latin run holding an acronym — capitals without a vowel (QR CODE, JR EAST; a name
    always has one, 'NG' aside); an animal in katakana before ちゃん that the dictionary has
    only as a common noun (ネコちゃん, as ワンちゃん; not ミナちゃん or パンダちゃん, which it
    also lists as a name)."""
    span = text[start:end]
    if span in _NOT_A_NAME:
        return True
    parts = re.split(r"[・=]", span)
    if (len(parts) >= 2 and all(re.fullmatch(r"[ァ-ヴー]+", p) and _loanword(p) for p in parts)
            and _thing_word("".join(parts))):
        return True
    if re.fullmatch(r"[A-Za-z][A-Za-z .'\-]*", span) and any(
            re.fullmatch(r"[B-DF-HJ-NP-TV-XZ]{2,5}", w) and w != "NG" for w in span.split()):
        return True
    return (re.fullmatch(r"[ァ-ヴー]{2,6}", span) is not None and _common_noun(span)
            and (text.startswith("ちゃん", end) or _HELD_UP.match(text, end) is not None))


# A character held up as a model: 「サザエさんみたいな大家族」 (with a common noun's name only).
_HELD_UP = re.compile(r"(?:さん|くん|ちゃん|選手)(?:みたい|のよう|の様)")


def _thing_word(word: str) -> bool:
    """The dictionary lists `word`, and never as a person's name."""
    entries = sudachi_dictionary().lookup(word)
    return bool(entries) and not any(m.part_of_speech()[2] == "人名" for m in entries)


def _common_noun(word: str) -> bool:
    """Every entry the dictionary has for `word` is a common noun (バス, not ジョン)."""
    entries = sudachi_dictionary().lookup(word)
    return bool(entries) and all(m.part_of_speech()[1] == "普通名詞" for m in entries)


# Characters of Chinese sentences that no Japanese name has.
_CHINESE_GRAMMAR = re.compile("[我你他她们們吗嗎呢的着著吧没沒这這那哪谁誰]")


def _sentence_not_name(name: str) -> bool:
    """A run of kanji too long for a name, or holding Chinese grammar: a sentence."""
    compact = name.replace(" ", "")
    return bool(_CHINESE_GRAMMAR.search(compact)) or (
        re.fullmatch(r"[一-龥々]+", compact) is not None and len(compact) > 6)


# A word for one's grandparents, parents or siblings, as residents say it (うちのばあちゃん,
# じっちゃん, ねえちゃん, おかあさん, じいじ, 母ちゃん), and for a baby or the people next door
# (あかちゃん, おっちゃん, おばちゃん): kana before ちゃん reads like a child's name, but these
# say who the person is to the writer, never what they are called.
_KIN_WORD = re.compile(
    # not inside a kana word: かとうさん and さとうちゃん are 加藤 and 佐藤
    r"(?:(?<=^)|(?<=[^ぁ-ゖァ-ヺー])|(?<=の))"
    r"(?:うちの|ウチの)?(?:(?:ひい|ひぃ)?(?:お|オ)?(?:じい|じー|じっ|ばあ|ばー|ばっ|かあ|かー|かっ"
    r"|とう|とー|とっ|にい|にー|ねえ|ねー|ジイ|ジー|バア|バー|カア|カー|トウ|トー|ニイ|ニー|ネエ|ネー"
    r"|祖父|祖母|母|父|兄|姉|爺|婆)(?:ちゃん|ちゃま|さん|さま|様|やん|ちん|たん)"
    r"|(?:お|オ)(?:じ|ば|っ)(?:ちゃん|さん)|(?:あか|赤)ちゃん|あんちゃん|兄ちゃん"
    r"|(?:お|オ)?(?:じょう|嬢)(?:ちゃん|さん)|(?:お|オ)?(?:ぼっ|坊っ|坊)ちゃん"
    r"|じいじ|ばあば|ジイジ|バアバ|じぃじ|ばぁば)")


# The people around a resident named by their role in kana (けあまねさん, じちかいちょうさん,
# みんせいいいんさん) and the house next door (となりの): the dictionary finds names inside them.
_ROLE_KANA = re.compile(
    r"(?:(?<=^)|(?<=[^ぁ-ゖァ-ヺー])|(?<=の))"
    r"(?:(?:けあまね|けあまねーじゃー|じちかいちょう|じちかい|ちょうないかいちょう|みんせいいいん"
    r"|ほけんし|かんごし|へるぱー|かんりにん|はんちょう|おおや|たんにん|しちょう|ゆうびんや"
    r"|はいたつ|おまわり|けいさつ|ほいくし|せんせい|いしゃ|はいしゃ)(?:さん|さま|ちゃん)"
    r"|お?となり(?=の|に|で|は|が|、|[ ]))")
# Carriers residents call by name with さん (ヤマトさんに頼んだ): a company, no person.
_CARRIER = re.compile(r"ヤマト|クロネコ|佐川急便|西濃|セイノー|日通|福山通運")
# …and by a surname-like name where the message speaks of a delivery (佐川さんが来る前に…宅配の)
_CARRIER_SURNAME = re.compile(r"佐川|福山")
_DELIVERY = re.compile(r"宅配|配達|荷物|集荷|宅急便|配送|再配達|不在票|置き配")
# A pet's name (うちの犬のポチ, インコのピーちゃん, 犬の名前はコタロウ): no personal data.
_PET_BEFORE = re.compile(
    r"(?:犬|いぬ|イヌ|わんこ|ワンコ|愛犬|猫|ねこ|ネコ|愛猫|にゃんこ|インコ|セキセイ|オウム|文鳥|小鳥|鳥"
    r"|柴犬|柴|豆柴|チワワ|トイプー|プードル|ダックス|ポメ|柴ちゃん"
    r"|ハムスター|うさぎ|ウサギ|兎|金魚|メダカ|亀|カメ|フェレット|ペット)"
    r"(?:の(?:(?:名前|なまえ)(?:は|が|:)?)?|[、,][ ]?(?:名前|なまえ)(?:は|が|:))[ ]?[「『]?$")


# What is named after a public figure, or is their work: 「小野小町まつり」「井上陽水の曲」.
_NAMED_AFTER = re.compile(r"[ ]?(?:まつり|祭り|祭|記念館|記念公園|記念碑|通り|神社|賞|杯|文庫"
                          r"|の(?:曲|歌|小説|作品|映画|ドラマ|銅像|生家|全集|著書|本|詩集|句集|絵本"
                          r"|伝記|名言|句碑|歌碑|碑"
                          r"|[一-龥ァ-ヴー]{0,6}(?:イベント|展示|展覧会|企画展|特別展|原画展|写真展"
                          r"|回顧展|講演会|コンサート|ライブ|ショー|スタンプラリー|コラボ|グッズ"
                          r"|マンホール|パネル|ビューイング|ポスター|公演|試合)))")


def _named_after(text: str, start: int, end: int) -> bool:
    """A full name (three characters or more, kanji or a kanji surname before a kana given
    name) before 「まつり」「記念館」「の曲」「の展示」「のイベント」…: a public figure, a
    character or a thing named after one (美空ひばりの歌, 鬼太郎のイベント), not a resident.
    A character may keep its ちゃん/くん (ちびまる子ちゃんのスタンプラリー)."""
    inside = re.search(rf"(?:{_NAMED_AFTER.pattern})$", text[start:end])
    end = start + inside.start() if inside else end  # a line that is all of it: 小野小町まつり
    called = re.match(r"ちゃん|くん|さん|選手|氏", text[end:end + 3])
    after = end + (called.end() if called else 0)
    span = text[start:end]
    if re.fullmatch(r"[A-Za-z][A-Za-z'.]*(?:[ ][A-Za-z][A-Za-z'.]*){0,3}", span):
        return _FAN_THING.match(text, after) is not None  # B'zのライブ, King Gnuのポスター
    if (called and re.match("みたい|のよう", text[after:])
            and re.fullmatch(r"[ぁ-ゖァ-ヴー]{2,6}|(?=.*[ぁ-ゖ])[ぁ-ゖ一-龥々]{2,4}", span)
            and "姓" not in _name_kinds(span) | _name_kinds(_to_katakana(span))):
        return True  # 「サザエさんみたいな」「のび太くんみたいに」: a character, not a surname
    if (called and called.group(0) in {"ちゃん", "くん"}
            and re.fullmatch(r"[ぁ-ゖァ-ヴー]{2,6}", span)):
        return _CHARACTER_THING.match(text, after) is not None  # しんちゃんのイベント
    if called and re.fullmatch(r"[一-龥々]{4,6}", span) and re.match("みたい|のよう", text[after:]):
        return True  # 「藤井聡太さんみたいに」: a full name held up as a model
    return (re.fullmatch(r"[一-龥々]{3,6}|[一-龥々]{2,3}[ぁ-ゖ]{2,4}"
                         r"|(?=.*[一-龥々])[ぁ-ゖ一-龥々]{3,6}", span) is not None
            and _NAMED_AFTER.match(text, after) is not None)


# What fans say of a band or a singer (Latin names): its concert, songs, posters, goods.
_FAN_THING = re.compile(r"[ ]?の(?:ライブ|コンサート|ツアー|曲|歌|ポスター|グッズ|CD|アルバム"
                        r"|公演)")
# What a character named in kana with ちゃん/くん has: an event, a rally, a show, goods.
_CHARACTER_THING = re.compile(r"の(?:イベント|スタンプラリー|ショー|展示|グッズ|コラボ|マンホール"
                              r"|パネル|映画|アニメ)")


def _kana_noun(word: str) -> bool:
    """A noun residents write in kana (とき, ことが — 娘のときは is no name, though トキ is)."""
    return word in _KANA_NOUNS or re.sub(r"[にがはをのもとで]$", "", word) in _KANA_NOUNS


def _bare_name(name: str) -> str:
    """The name without a signature's より (桐山より) or a copula a hiragana run took in
    (名前はりょうたです、, 下の子が紬です)."""
    if name.endswith("より") and len(name) > 3:
        return name[:-2].rstrip()
    copula = re.fullmatch(r"(?P<k>[ぁ-ゖ]{2,6}|[一-龥々]{1,4})(?:です|でした|でございます)", name)
    return copula.group("k") if copula else name


def _romaji_name(name: str) -> bool:
    """Two or three words of romaji syllables — or short romanized syllables of other
    languages (kim minho, chen li) —, none an English, common or said word (TANAKA hiroshi,
    sakamoto yui; not 「tasukete kaji desu」)."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(
        (_ROMAJI_SYLLABLES.fullmatch(w) or _ROMANIZED.fullmatch(w))
        and w.lower() not in _ROMAJI_NOT_NAMES for w in words)


def _latin_slot_holds_name(pattern: re.Pattern[str], name: str) -> bool:
    """The checks of the slots for lower-case Latin names (romaji, English introductions)."""
    if pattern in (_LOWER_THIS_IS, _LOWER_MY_KIN) and (
            _english_word(name) or name.lower() in _LATIN_STOP):
        return False  # 「this is urgent,」「my wife works.」: English said of someone
    if pattern in (_LOWER_MY_KIN, _ROMAJI_ONE, _ROMAJI_FROM):
        return _romaji_word_name(name)
    if pattern is _ROMAJI_CUED and any(_ROMAJI_VERB.search(w) for w in name.split()):
        return False  # 「namae wa kaite arimasu」: a sentence in romaji, no name
    return pattern is _LOWER_THIS_IS or _romaji_name(name)


_LATIN_SLOTS = (_LOWER_THIS_IS, _LOWER_MY_KIN, _ROMAJI_ONE, _ROMAJI_FROM, _ROMAJI_CUED,
                _ROMAJI_INTRO, _ROMAJI_HERE, _ROMAJI_CONTACT)
_ENGLISH_ENDING = re.compile(r"(?:ed|ing|ly|ent|ant|ful|ous|ive|ble|ary|ory|tion|sion|ness|ment"
                             r"|ic|al|est|er)$")
_ENGLISH_SAID = frozenset("""works goes lives needs wants has does says gets comes stays studies
    speaks correct wrong right true false real strange weird terrible bad good great nice
    ok okay sure fine busy sick ill""".split())


def _english_word(word: str) -> bool:
    """A lower-case word that reads as English said of someone (urgent, works, correct)."""
    low = word.lower()
    return low in _ENGLISH_SAID or (len(low) > 4 and _ENGLISH_ENDING.search(low) is not None)


def _romaji_word_name(word: str) -> bool:
    """One romaji word that can be a name: syllables only, no English, common or said word,
    no verb's ending (yamamoto, kenji, jun; not sumimasen, daijoubu, here)."""
    low = word.lower()
    return (_ROMAJI_SYLLABLES.fullmatch(low) is not None and low not in _ROMAJI_NOT_NAMES
            and not _ROMAJI_VERB.search(low))


# Romaji words a message opens with that are no name (daijoubu desu, kekkou desu).
_ROMAJI_ONE_STOP = frozenset("""daijoubu daijobu kekkou gomen gomennasai shitsurei hai iie
    sou honto hontou dame muri zannen tasukete onegai yoroshiku dozo douzo ohayou konbanwa
    moshimoshi anone ano eto etto nani doko itsu dare nande naze kore sore are
    kudasai hayaku dareka kaji kemuri keisatsu kyuukyuu kyukyu kyuukyuusha kyukyusha jishin
    tsunami kega itai kurushii kowai abunai byouki byoki""".split())
# (kaji: 「tasukete kaji desu」 is a fire; as the surname 梶 it is left to the other slots.)


# A syllable of a Korean or Chinese name romanized (kim, park, zhang, nguyen): letters around
# one vowel group.
_ROMANIZED = re.compile(r"[b-df-hj-np-tv-z]{0,3}[aeiouy]{1,3}[b-df-hj-np-tv-z]{0,3}",
                        re.IGNORECASE)


# Romaji words residents write around their names that are not names.
_ROMAJI_COMMON = frozenset("""desu watashi watakushi boku namae wa ga no wo o ni de to mo ka
    gomi zeimusho shiyakusho kuyakusho hoken nenkin kokumin kenko kenkou tetsuzuki shitai
    onegai onegaishimasu shimasu arigatou arigato sumimasen konnichiwa hajimemashite
    moeru moenai kami juusho jusho denwa bangou kaado zairyu""".split())
# What a romaji name never holds, one word or several (`_romaji_name`, `_romaji_word_name`).
_ROMAJI_NOT_NAMES = _LATIN_STOP | _ROMAJI_COMMON | _ROMAJI_SAID | _ROMAJI_ONE_STOP


def _to_katakana(hira: str) -> str:
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in hira)


# Kana that carries grammar no name has: a polite or wishing verb ending (たのめますか, したい),
# or a particle of two kana opening it (代理人でもとれる？ read after the label 代理人).
_KANA_GRAMMAR = re.compile(r"(?:ます|ません|ですか|ください|たい|たいです)(?:か|ね|よ)?$"
                           r"|^(?:でも|では|には|から|まで|って)")


def _chinese(text: str) -> bool:
    """No kana and words only Chinese uses: the text is Chinese (see `_CHINESE_WORD`)."""
    return KANA.search(text) is None and _CHINESE_WORD.search(text) is not None


def _kana_grammar(name: str) -> bool:
    """A hiragana run read as a name that is a piece of the sentence (「ゆうそうで たのめますか」,
    「でもとれる」): residents typing kana only write their questions this way."""
    return (re.fullmatch(r"[ぁ-ゖー ]+", name) is not None
            and any(_KANA_GRAMMAR.search(part) for part in name.split()))


def _spaced_kana(name: str) -> bool:
    """Two kana words with one space or ・ between them (ますだ けいこ)."""
    return re.fullmatch(r"[ぁ-ゖァ-ヴー]{2,8}[ ・][ぁ-ゖァ-ヴー]{2,8}", name) is not None


def _chunks(toks: list[Token]) -> Iterator[tuple[int, int]]:
    """Runs of 人名 tokens joined directly, by one space or by ・ (token index range)."""
    i = 0
    while i < len(toks):
        if not toks[i].person:
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            if toks[j].person:
                j += 1
            elif (toks[j].surface in {" ", "・"} and j + 1 < len(toks)
                  and toks[j + 1].person):
                j += 2
            elif (toks[j].surface == " " and j + 2 < len(toks) and toks[j + 1].surface == " "
                  and toks[j + 2].person):
                j += 3  # 渡辺 　聡子: a space and a full-width one
            else:
                break
        yield i, j
        i = j


def _spaced_given_name(toks: list[Token], j: int) -> int:
    """After a surname, a space and a short kanji given name (one or two tokens, ≤ 3
    characters) before a particle, です or the end (森田 真理の, 川端 誠です, 岡部 凛花), though
    Sudachi reads it as common nouns: the index past it, else j."""
    if j + 1 >= len(toks) or toks[j].surface != " ":
        return j
    k = j + 1
    while (k < len(toks) and k - j <= 2 and re.fullmatch(r"[一-龥々]+", toks[k].surface)
           and (toks[k].noun or toks[k].pos[0] == "接尾辞")):
        k += 1
    given = "".join(t.surface for t in toks[j + 1:k])
    after = toks[k] if k < len(toks) else None
    if not 1 <= len(given) <= 3 or _DEPARTMENT.search(given):
        return j
    if (after is None or after.pos[0] in {"助詞", *_BOUNDARY_POS}
            or _HONORIFIC.match(after.surface) is not None or _WEAK.match(after.surface)):
        return k
    return j


# After a surname Sudachi tags, a space and a short given name it reads as something else
# (五十嵐 颯: an adverb; 渡部 陽翔くん: a verb), set off by です, an honorific, a particle or
# punctuation; not a word the dictionary lists as a common noun (田中 市役所に).
_GIVEN_AFTER_SPACE = re.compile(r"[ ](?P<g>[一-龥々]{1,3}|[ぁ-ゖ]{2,4}|[ァ-ヴ][ァ-ヴー]{1,4})"
                                r"(?=[ ]?(?:です|でした|さん|くん|ちゃん|君|様|さま|と申|といい"
                                r"|[、。,(\n]|$)|の|が|は|も|と"
                                r"|[ ](?:の|が|は|も|と)(?=[ 、。,\n]|$))")
# (after a space a particle stands alone, as in spaced kana — かとう たける の 2にんで; one
# that begins a word is no particle — くろい ひのこ とんでる is sparks flying, not 黒井 ひのこ)
_NOT_GIVEN = frozenset({"さん", "さま", "くん", "ちゃん", "です", "から", "まで", "より", "など",
                        "にも", "とか", "では", "には", "への", "して", "した", "する", "ます"})


def _with_glued_to(text: str, end: int) -> int:
    """The end of a hiragana given name, with a と Sudachi cut from it when a space or a
    comma follows (いのうえ はる|と 10さい, たなか ゆう|と 7さい: はると, ゆうと)."""
    given = re.search(r"(?<![ぁ-ゖ])[ぁ-ゖ]{2,3}$", text[:end])
    glued = given and re.match(r"と(?=[ 、。,]|$)", text[end:])
    return end + 1 if glued else end


def _given_after_space(text: str, end: int) -> int:
    m = _GIVEN_AFTER_SPACE.match(text, end)
    if m is None or m.group("g") in _NOT_GIVEN or m.group("g") in _NOT_A_NAME:
        return end
    given = m.group("g")
    if re.fullmatch(r"[ぁ-ゖ]+", given):  # りく spells 陸 too: the place decides
        if _KANA_ENDINGS.search(given):
            return end
        return _with_glued_to(text, m.end("g"))
    entries = sudachi_dictionary().lookup(given)
    if re.fullmatch(r"[ァ-ヴー]+", given):  # 内藤 トメ: a name the dictionary lists, or none
        named = any(e.part_of_speech()[1:3] == ("固有名詞", "人名") for e in entries)
        return m.end("g") if named or not entries else end
    common = [e for e in entries
              if e.part_of_speech()[1:3] != ("固有名詞", "人名")]
    if _DEPARTMENT.search(given) or (len(given) >= 2 and common):
        return end
    return m.end("g")


# 「こちら佐藤です」: the writer names themselves after こちら.
_THIS_SIDE = frozenset({"こちら", "こっち", "当方"})


def _at_clause_start(toks: list[Token], i: int) -> bool:
    """At the start of a clause: after punctuation, の, a filler or greeting (すいません),
    こちら (こちら佐藤です), or a verb phrase describing the person (さっき電話した中川です,
    食堂をやってる矢野です)."""
    return i == 0 or toks[i - 1].pos[0] in {*_BOUNDARY_POS, "助動詞", "感動詞", "フィラー"} or (
        toks[i - 1].surface == "の" or toks[i - 1].surface in _THIS_SIDE)


def _given_name_after(toks: list[Token], j: int) -> int:
    """Index past an untagged kana given name right after a surname (中村トメが), else j."""
    if j < len(toks) and toks[j].noun and _KANA.match(toks[j].surface):
        if j + 1 == len(toks) or toks[j + 1].pos[0] in {"助詞", "助動詞", *_BOUNDARY_POS}:
            return j + 1
    return j


def _surname_before(toks: list[Token], i: int) -> int:
    """Index of a proper noun standing one space before a given name (中野 ハル, やまぐち
    ゆうこ: Sudachi reads the surname as a place), else i."""
    if (toks[i].person == "名" and i >= 2 and toks[i - 1].surface == " "
            and toks[i - 2].pos[1] == "固有名詞" and not toks[i - 2].surface.isascii()):
        return i - 2
    # やまぐち|けんじ: hiragana read as a place, glued to a hiragana given name
    if (toks[i].person == "名" and i >= 1 and toks[i - 1].end == toks[i].start
            and toks[i - 1].pos[1] == "固有名詞"
            and re.fullmatch(r"[ぁ-ゖ]{2,5}", toks[i - 1].surface)
            and re.fullmatch(r"[ぁ-ゖ]{2,5}", toks[i].surface)
            and "姓" in _name_kinds(_to_katakana(toks[i - 1].surface))):
        return i - 1
    return i


def _glued_word(before: Token, chunk: str) -> bool:
    """A 人名 chunk glued to the kanji before it into a word the dictionary has as a common
    noun: 保|健師さん is 保健師 (a public-health nurse), not a person called 健師."""
    if not re.search(r"[一-龥々]$", before.surface) or before.person:
        return False
    return _has_common_noun(before.surface + chunk) or _has_common_noun(before.surface[-1] + chunk)


@lru_cache(maxsize=4096)
def _name_kinds(word: str) -> frozenset[str]:
    """The person-name kinds (姓, 名, 一般) the dictionary lists `word` as."""
    return frozenset(m.part_of_speech()[3] for m in sudachi_dictionary().lookup(word)
                     if m.part_of_speech()[1:3] == ("固有名詞", "人名"))


@lru_cache(maxsize=4096)
def _kana_given_name_entry(word: str) -> bool:
    """The dictionary lists the hiragana `word` itself as a given name (あおい, not only アオイ)."""
    return any(e.part_of_speech()[1:4] == ("固有名詞", "人名", "名") and e.normalized_form() == word
               for e in sudachi_dictionary().lookup(word))


@lru_cache(maxsize=8192)
def _joins_next(word: str) -> bool:
    """A name's last character is a conjunction that joins the particle after it (国又は: 又は
    "or"; 猪又が stays a name)."""
    return word[1:] in {"は", "も"} and any(
        e.part_of_speech()[0] == "接続詞" for e in sudachi_dictionary().lookup(word[0]))


@lru_cache(maxsize=4096)
def _reads_as_given_name(word: str) -> bool:
    """A kanji word whose reading the dictionary lists as a given name (空 → ソラ, 海 → ウミ):
    after 孫の and before an age, the word is what the child is called."""
    return re.fullmatch(r"[一-龥々]{1,2}", word) is not None and any(
        _name_kinds(e.reading_form()) & {"名", "一般"} for e in sudachi_dictionary().lookup(word))


@lru_cache(maxsize=8192)
def _has_common_noun(word: str) -> bool:
    return any(e.part_of_speech()[1] == "普通名詞" for e in sudachi_dictionary().lookup(word))


def _tagged(text: str, toks: list[Token]) -> Iterator[tuple[int, int]]:
    for i, j in _chunks(toks):
        start, end = toks[i].start, toks[j - 1].end
        if i and toks[i - 1].end == start and _glued_word(toks[i - 1], text[start:end]):
            continue
        if _kana_word_head(text, toks, i, j):
            continue
        kinds = [t.person for t in toks[i:j]]
        after, before = text[end:end + 12], text[max(0, start - 12):start]
        full = len(kinds) >= 2 and kinds[0] == "姓"
        strong = bool(_HONORIFIC.match(after) or _SELF_INTRO.match(after)
                      or (kinds == ["姓"] and (_VISITS.match(after) or _REACHED.match(after)))
                      or (kinds == ["姓"] and _ABOUT.match(after) and not toks[i].looked_up)
                      or _LABEL.search(before) or _PRONOUN.search(before)
                      or _RELATIVE.search(before))
        # A word only the dictionary's other entries call a name (つもり, はやし) needs a real
        # clause start: 「終わらせるつもりです」 is not a person.
        looked_up = any(t.looked_up for t in toks[i:j])
        starts = (_at_clause_start(toks, i) or _GREETED.search(before) is not None
                  if not looked_up
                  else i == 0 or toks[i - 1].pos[0] in {*_BOUNDARY_POS, "感動詞", "フィラー"}
                  or toks[i - 1].surface in _THIS_SIDE or _GREETED.search(before) is not None)
        weak = (bool(_WEAK.match(after)) and end - start >= 2 and starts
                and kinds != ["一般"])
        # 「片山、マイナンバー…」: a surname opening the message, set off by a comma
        weak = weak or (i == 0 and kinds[0] == "姓" and end - start >= 2
                        and after[:1] in {"、", ","})
        if strong and kinds == ["姓"]:
            end = toks[_given_name_after(toks, j) - 1].end
        if kinds == ["姓"]:
            given = _spaced_given_name(toks, j)
            if given > j:
                end, full = toks[given - 1].end, True
            elif not any(t.looked_up for t in toks[i:j]):
                given_end = _given_after_space(text, end)
                end, full = given_end, full or given_end > end
        first = _surname_before(toks, i)
        if full and end == toks[j - 1].end:
            end = _given_glued_end(toks, j, end)
        if full and re.fullmatch(r"[ぁ-ゖ]+", toks[j - 1].surface):
            end = _with_glued_to(text, end)
        if full or strong or weak or first < i:
            yield toks[first].start, end


def _kana_word_head(text: str, toks: list[Token], i: int, j: int) -> bool:
    """Kana read as a name only through the dictionary's other entries, glued to a kana noun
    that goes on the word (ぼくは しょう|がく３ねんせい): the head of a longer word, not a name."""
    if j >= len(toks) or not all(t.looked_up for t in toks[i:j]):
        return False
    nxt = toks[j]
    return (nxt.start == toks[j - 1].end and nxt.pos[0] == "名詞"
            and re.fullmatch(r"[ぁ-ゖ]+", text[toks[i].start:nxt.end]) is not None)


def _given_glued_end(toks: list[Token], j: int, end: int) -> int:
    """A full name whose one-kanji given name Sudachi cut from its second kanji (岡本 陽|向):
    the end past that kanji when a particle, punctuation or the end follows."""
    if (j >= len(toks) or len(toks[j - 1].surface) != 1 or toks[j].start != end
            or not re.fullmatch(r"[一-龥々]", toks[j].surface) or toks[j].person):
        return end
    if j + 1 == len(toks) or toks[j + 1].pos[0] in {"助詞", *_BOUNDARY_POS}:
        return toks[j].end
    return end


def _noun_run(toks: list[Token], end_index: int, limit: int = 3) -> tuple[int, int] | None:
    """Token index range of the nouns (with at most one space) ending before `end_index`."""
    if toks[end_index - 1].surface == " ":
        return None
    i = end_index
    while i > 0 and end_index - i < limit and (toks[i - 1].noun or toks[i - 1].surface == " "):
        i -= 1
    while i < end_index and toks[i].surface == " ":
        i += 1
    return (i, end_index) if i < end_index else None


def _untagged(text: str, toks: list[Token]) -> Iterator[tuple[int, int]]:
    """Names Sudachi does not tag, from a self-introduction or a label."""
    for k, tok in enumerate(toks):
        after = text[tok.end:tok.end + 12]
        humble = _HUMBLE_INTRO.match(after)
        if not (humble or _SELF_INTRO.match(after) or _WEAK.match(after)):
            continue
        run = _noun_run(toks, k + 1)
        if run is None:
            continue
        i, j = run
        before = text[max(0, toks[i].start - 12):toks[i].start]
        proper = any(t.proper for t in toks[i:j])
        if humble or _LABEL.search(before) or (proper and _PRONOUN.search(before)) or (
                proper and _SELF_INTRO.match(after)):
            yield toks[i].start, toks[j - 1].end


# People a resident names others by: 「友達の玲奈と」「ケアマネの吉岡から」「大家の村井は」
_ROLE = (r"(?:友達|友だち|友人|知人|同僚|先輩|後輩|上司|部下|兄貴|姉貴|じいちゃん|ばあちゃん"
         r"|じっちゃ|ばっちゃ|おかん|おとん|おふくろ|親父|ケアマネ|ヘルパー|担任|主治医|医師|大家"
         r"|管理人|隣|近所|職員|店長|社長|会長|班長|同級生|幼なじみ|ママ友|パパ友|彼氏|彼女"
         r"|元夫|元妻|元彼|元カレ|保育士|看護師|相談員|運転手|弁護士|司法書士|税理士|恩人|旧姓"
         r"|同居人|婚約者|交際相手|恋人|パートナー|クラスメイト|同居の)")
_ROLE_OF = re.compile(rf"(?:{_RELATIVES}|{_ROLE})の$")
# What follows a person named in a sentence: a case particle or a quoting word, or の before
# their kin or home (柏木のおじいちゃん, 杉浦のとこ)
_ARGUMENT = re.compile(r"(?:が|を|に(?!つ|よ|関|対|お|て)|と(?!いう場|して|なっ)|から|は|も|へ|や"
                       r"|って|っつう|とか(?:いう|言う)|という(?:人|方|名前|子)|いう(?:ねん|ん|の)"
                       rf"|の(?:{_RELATIVES}|お?じい|お?ばあ|おじ|おば|奥さん|旦那|とこ(?!ろ)"
                       r"|ところの|家族|一家))")
_CLAUSE_END_POS = {"助動詞", "動詞"}
_PERSON_DOES = re.compile(r"[^。\n]*?(?:に通っ|に通う|に通い|入学|卒業|生まれ|入院|退院|亡くな"
                          r"|結婚|就職|転校|入園|熱を出|熱が出|泣い|働い|習っ|言って|話して)")
_RUN_JOINS = frozenset({"、", "と", "・", ","})
_RUN_WORD = re.compile(r"[一-龥々]{1,3}|[ァ-ヴ][ァ-ヴー]{1,7}|[ぁ-ゖ]{2,5}")
# 「関口って名前」「ひろしって名前やねん」「内田って職員」「遠藤とかいう人」: said to be called so
_CALLED = re.compile(r"(?:って|という|とかいう|っていう|っつう|いう)(?:名前|人(?![口気数])|方|子|奴"
                     r"|やつ|男|女|職員|先生|ん|ねん)")
# 「平野（生活相談員）から」: a role in brackets after the name
_ROLE_AFTER = re.compile(r"[ ]?\([^()]{0,10}(?:員|士|師|医|長|係|担当|マネ|ヘルパー|先生)\)")
# 「わたしあやか、」「おれ大輔。」: a pronoun right before the name, without は
_PRONOUN_JOINED = re.compile(r"(?:私|わたし|あたし|僕|ぼく|俺|おれ)[ ]?$")
_PRONOUN_AFTER = re.compile(r"[、。!！,]|です|だ(?![けっ])|や(?:けど|ねん|で|から)|っす|じゃ")
# What a person named in a sentence is met, told or heard from (荒木と一緒に伺います, 今朝早川に
# 会ったら, 野口に伝えておいて, 吉川から聞いて): the word before is a person whatever else the
# dictionary calls it
_MET = re.compile(r"(?:と[ ]?(?:一緒|いっしょ|二人で|ふたりで)|に(?:会っ|会い|会う|あっ|伝え|つたえ"
                  r"|言われ|頼ま|頼ん|頼み|相談し|電話し|連絡し|渡し)|から(?:聞い|聞き|言われ|頼ま"
                  r"|電話|連絡|の(?:手紙|電話|連絡|メール|伝言)))")
# 「小松　38歳　主婦です」「藤井より、お願いが…」: a surname opening the message, then an age or
# who it is from
_OPENS_AS_WRITER = re.compile(r"[ ]?[0-9]{1,3}[ ]?(?:歳|才|さい)|より[、,\n]")


def _met_or_owning(text: str, toks: list[Token], i: int) -> bool:
    """A surname or given name met, told or heard from, at a clause start or after a time word
    (荒木と一緒に, 今朝早川に会ったら); or a word Sudachi itself reads as a given name only (no
    common noun) before の at a clause start or after a verb's ending (離婚して大輔の扶養から)."""
    tok = toks[i]
    prev = toks[i - 1].pos if i else ("",) * 3
    if _MET.match(text, tok.end) and tok.person in {"姓", "名"} and (
            i == 0 or prev[0] in {*_BOUNDARY_POS, "副詞", "接続詞", "感動詞"}
            or prev[2] == "副詞可能"):
        return True
    return (tok.person == "名" and not tok.looked_up and not _has_common_noun(tok.surface)
            and text[tok.end:tok.end + 1] == "の"
            and (i == 0 or prev[0] in {*_BOUNDARY_POS, "助詞", "助動詞"}))


def _narrative(text: str, toks: list[Token]) -> Iterator[tuple[int, int]]:
    """A name in running text, without an honorific or a label: a word Sudachi itself tags as
    a surname or given name (not one only the dictionary's other entries call a name) standing
    where a person does — before a case particle or a quoting word, and opening a clause, after
    a verb that describes them (一緒にいた節子が) or after 「友達の」「ケアマネの」 and kin. A word
    the dictionary's other entries call a name (柏木, 吉岡: read as places) counts only after
    「…の」 naming a role or kin, or a describing verb, and before a particle."""
    for i, j in _chunks(toks):
        if j - i != 1 or toks[i].person not in {"姓", "名", "一般"}:
            continue
        tok = toks[i]
        if tok.person == "一般" and not re.fullmatch(r"[ァ-ヴ][ァ-ヴー]{1,7}", tok.surface):
            continue
        if len(tok.surface) < 2:
            continue
        # 「野口。転居届。来週。」: the message opens with who writes
        alone = i == 0 and (text[tok.end:tok.end + 1] in {"。", "\n"}
                            or _OPENS_AS_WRITER.match(text, tok.end) is not None) and (
            tok.person == "姓" and not tok.looked_up)
        if alone or _CALLED.match(text, tok.end) or _ROLE_AFTER.match(text, tok.end) or (
                _PRONOUN_JOINED.search(text[max(0, tok.start - 4):tok.start])
                and _PRONOUN_AFTER.match(text, tok.end)):
            yield tok.start, tok.end
            continue
        if _met_or_owning(text, toks, i):
            yield tok.start, tok.end
            continue
        if not _ARGUMENT.match(text, tok.end):
            continue
        if i and toks[i - 1].end == tok.start and _glued_word(toks[i - 1], tok.surface):
            continue
        if _joins_next(tok.surface[-1] + text[tok.end:tok.end + 1]):
            continue  # 国又は: 又は is a conjunction, not 国又 + は
        before = text[max(0, tok.start - 12):tok.start]
        role = _ROLE_OF.search(before) is not None
        described = i > 0 and toks[i - 1].pos[0] in _CLAUSE_END_POS and (
            toks[i - 1].surface[-1:] in set("たるだ"))
        opens = i == 0 or toks[i - 1].pos[0] in _BOUNDARY_POS
        # 清水が湧いている, 白石が敷いてある, まどから: a word that is also a common noun, or
        # hiragana, needs the role or kin before it
        plain = not _has_common_noun(tok.surface) and not re.fullmatch(r"[ぁ-ゖー]+", tok.surface)
        if i == 0 and re.fullmatch(r"[ぁ-ゖ]{2,5}", tok.surface) and text[tok.end] in "がは" and (
                _kana_given_name_entry(tok.surface)
                and _PERSON_DOES.match(text, tok.end, tok.end + 30)):
            # 「あおいが今年から小学校に通っています」: a given name the dictionary spells in kana,
            # the subject of what only a person does (not さくらが咲いたら, ひかりが入らない)
            yield tok.start, tok.end
            continue
        if role or (plain and (described or (
                opens and not tok.looked_up and tok.person != "一般"))):
            yield tok.start, tok.end


def _english(text: str) -> Iterator[tuple[int, int]]:
    for m in _ENGLISH.finditer(text):
        yield m.start("n"), m.end("n")


def _inside(tok: Token, spans: set[tuple[int, int]]) -> bool:
    return any(s <= tok.start and tok.end <= e for s, e in spans)


_FACILITY = re.compile(r"(?:医院|病院|クリニック|診療所|眼科|歯科|内科|外科|小児科|皮膚科|整骨院"
                       r"|接骨院|薬局|公民館|児童館|記念館|小学校|中学校|高校|保育園|幼稚園|商店|工務店"
                       r"|町|橋|通り|公園)")


_SPELLED_AFTER = re.compile(r"[ ]?\((?P<r>[一-龥々]{2,4}|[ァ-ヴ][ァ-ヴー・ ]{1,14}"
                            r"|[ぁ-ゖ][ぁ-ゖ ]{1,14})\)")


# 和泉が丘, 桜ケ丘, 緑ヶ丘: a name before が丘 is a place's name
_PLACE_SUFFIX = re.compile(r"[がケヶノ]丘")


def _repeats(text: str, names: set[str],
             blocked: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Other occurrences of each found name or surname (two characters or more)."""
    for name in names:
        if len(name.strip()) < 2:
            continue
        for m in re.finditer(re.escape(name), text):
            if _FACILITY.match(text, m.end()):
                continue  # 上原医院の上原 昭先生: the clinic is named after him, not him
            if not any(b_s < m.end() and m.start() < b_e for b_s, b_e in blocked):
                yield m.start(), m.end()


def _without_kin(text: str, spans: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """`spans` with every family word cut out (芳子おばあ → 芳子; うちのばあちゃん → nothing)."""
    kin = [(m.start(), m.end()) for m in _KIN_WORD.finditer(text)]
    kin += [(m.start(), m.end()) for m in _ROLE_KANA.finditer(text)]
    if not kin:
        return spans
    out: set[tuple[int, int]] = set()
    for start, end in spans:
        pieces = [(start, end)]
        for k_s, k_e in kin:  # a piece the word overlaps keeps what lies either side of it
            pieces = [part for s, e in pieces
                      for part in ([(s, k_s), (k_e, e)] if s < k_e and k_s < e else [(s, e)])]
        for s, e in pieces:
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            word = text[s + lead:e].rstrip()
            if (s, e) != (start, end):  # 芳子の|おばあ: the の went with the family word
                word = word.removesuffix("の").rstrip()  # (not あやの, ひなの: names)
            if word:
                out.add((s + lead, s + lead + len(word)))
    return out


def _disjoint(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans merged, sorted."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


def _line(text: str, start: int, end: int) -> str:
    """The line of `text` that holds the span [start, end)."""
    head = text.rfind("\n", 0, start) + 1
    tail = text.find("\n", end)
    return text[head:tail if tail >= 0 else len(text)]

