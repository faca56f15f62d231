"""Benign text that must come out of scrub_text as it went in (after normalization).

Real-looking titles, free text, user agents, campaign names, places, dates, prices, product
codes, languages, charsets and platforms; and `BENIGN_PATHS`, URL paths for the URL scrubber.
"""

from __future__ import annotations

_PREFECTURES = (
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 "
    "神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 "
    "大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
)
PREFECTURES = _PREFECTURES.split()
_CITIES = (
    "札幌市 仙台市 さいたま市 千葉市 横浜市 川崎市 相模原市 新潟市 静岡市 浜松市 名古屋市 京都市 "
    "大阪市 堺市 神戸市 岡山市 広島市 北九州市 福岡市 熊本市 渋谷区 新宿区 港区 世田谷区 梅田 "
    "Sapporo Sendai Yokohama Nagoya Kyoto Osaka Kobe Fukuoka Naha Shibuya Shinjuku Umeda"
)
CITIES = _CITIES.split()
TITLES = [
    "ふわふわ今治タオル 3枚セット【公式】| Sakura Zakka",
    "スニーカー 青 | Example Shop",
    "【送料無料】冬の福袋 2025 | 公式オンラインストア",
    "ご注文ありがとうございました | Example Shop",
    "カートの中身 (3点) - Example Shop",
    "会員登録 | マイページ",
    "よくあるご質問 | サポートセンター",
    "お問い合わせフォーム | 株式会社サンプル",
    "ブラックフライデー最大50%OFF！11月24日まで",
    "年末年始の営業について（12月29日〜1月3日）",
    "新商品のお知らせ：抹茶ラテ 250ml × 24本",
    "営業時間 10:00〜18:00（土日祝休み）",
    "ポイント3倍キャンペーン 2025年11月24日(月)〜11月30日(日)",
    "北海道産 じゃがいも 5kg 箱入り",
    "iPhone 15 Pro Max 256GB ケース 手帳型",
    "Galaxy S24 Ultra 512GB ブラック",
    "MacBook Air M3 13インチ 2024年モデル",
    "ランキング TOP100 | レディースファッション",
    "第3章：はじめてのPython（その2）",
    "ログイン - Example Shop",
    '検索結果: "ダウンジャケット" 1,234件',
    "ページが見つかりません (404)",
    "Winter Sale - up to 70% off | Example Store",
    "Order #1234 confirmed - Example Store",
    "Your cart (2 items) | Example Store",
    "Men's Running Shoes - Size 10.5 - Blue/White",
    "How to cook rice: 3 easy steps",
    "Terms of Service (updated 2025-11-24)",
    "Release notes v2.14.3",
    "Chapter 12: The Meeting at Dawn",
    "Q&A: shipping, returns & exchanges",
    "Tom & Jerry Blu-ray Box Set",
    "AT&T Wireless Plans",
    "R&D Report 2025 Q3",
    "C++ Primer, 5th Edition",
    "Python 3.13.1 documentation",
    "Meet us at booth A-12, Tokyo Big Sight",
    "Open 9:30-21:00, Mon-Sat",
    "Sale 10:00-18:00, 11.24 - 12.25 (v2.0)",
    "Price: ¥12,800 / 3 items",
    "Free shipping on orders over $50",
    "Rated 4.8 out of 5 (1,024 reviews)",
    "Use code WINTER25 at checkout",
    "Model XR-2000 replacement filter (pack of 3)",
    "SKU-4821 / JAN 490123 / 税込",
    "お得な3個セット @ 1,200円",
    "follow @example_shop on X",
    "@example_shop の最新情報",
    "Donaudampfschifffahrtsgesellschaftskapitaen",
    "The quick brown fox jumps over the lazy dog",
    "東京 - 大阪 2時間30分",
    "1/2カップ + 大さじ2",
    "気温 12.5℃ 湿度 45%",
    "第2四半期 売上高 前年比 +12.3%",
    "HTTP/2 and HTTP/3 explained",
    "ISO 8601: 2025-11-24T10:30:00Z",
    "Ver. 3.2.1 / Build 4501",
    "PlayStation5 DigitalEdition 本体",
    "Nintendo Switch (有機ELモデル) ホワイト",
    "4K UHD 65インチ テレビ 2025年モデル",
    "USB-C to Lightning ケーブル 1m",
    "ISBN 978-4-06-512345-6",
    "郵便番号の検索",
    "Dr. Martens 1460 8ホールブーツ",
    "Levi's 501 オリジナル",
    "エアマックス 90 27.5cm",
    "スコア 3-2 で勝利",
    "1ドル=150.25円",
]
TITLES += [f"{p}のホテル・旅館 | 旅行サイト" for p in PREFECTURES]
TITLES += [f"{c}の天気予報 (10日間)" for c in CITIES]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.135 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/130.0.6723.102 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SO-51D Build/67.2.A.2.118) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.6778.104 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
    "Mozilla/5.0 (iPad; CPU OS 16_7_10 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/21G93 Line/14.19.1",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/489.0.0.44.96;FBBV/657843295;"
    "FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBCR/;FBID/phone;FBLC/ja_JP;FBOP/5]",
    "Mozilla/5.0 (Linux; U; Android 12; ja-jp; SHG07 Build/S6106) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/110.0.5481.153 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Opera/9.80 (Windows NT 6.1; U; ja) Presto/2.12.388 Version/12.18",
    "curl/8.4.0",
    "python-requests/2.32.3",
    "Dalvik/2.1.0 (Linux; U; Android 11; M2012K11AG Build/RKQ1.200826.002)",
]
_ANDROID_WV = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP2A.240905.003; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/129.0.6668.100 Mobile Safari/537.36"
)
_IOS_APP = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148"
)
# In-app browsers: their versions and build numbers stay (user ids in them do not: test_detect).
IN_APP_USER_AGENTS = [
    f"{_ANDROID_WV} [FB_IAB/FB4A;FBAV/489.0.0.66.81;]",
    f"{_IOS_APP} [FBAN/FBIOS;FBAV/442.0.0.45.109;FBBV/589420335;FBDV/iPhone13,2;FBMD/iPhone;"
    "FBSN/iOS;FBSV/17.1.2;FBSS/3;FBID/phone;FBLC/ja_JP;FBOP/5;FBRV/0]",
    f"{_IOS_APP} Instagram 309.0.0.40.113 (iPhone14,2; iOS 17_1_2; ja_JP; ja; scale=3.00; "
    "1170x2532; 541635890)",
    f"{_ANDROID_WV} Instagram 309.0.0.40.113 Android (33/13; 420dpi; 1080x2340; samsung; "
    "SM-G991B; o1s; exynos2100; ja_JP; 541635890)",
    f"{_IOS_APP} Safari Line/14.19.1",
    f"{_ANDROID_WV} Line/14.19.1/IAB",
    f"{_IOS_APP} Twitter for iPhone/10.17",
    f"{_IOS_APP} musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/ja "
    "Region/JP isDarkMode/0 WKWebView/1 RevealType/Dialog BytedanceWebview/d8a21c6",
    f"{_ANDROID_WV} trill_2023208030 JsSdk/1.0 NetType/WIFI Channel/googleplay AppName/trill "
    "app_version/32.8.3 ByteLocale/ja ByteFullLocale/ja Region/JP Spark/1.4.8.3-bugfix "
    "AppVersion/32.8.3 BytedanceWebview/d8a21c6",
    f"{_IOS_APP} MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN",
    f"{_ANDROID_WV} XWEB/1160065 MMWEBSDK/20231202 MMWEBID/6588 "
    "MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN "
    "ABI/arm64",
    f"{_IOS_APP} YJApp-IOS jp.co.yahoo.ipn.appli/4.47.1",
    f"{_ANDROID_WV} YJApp-ANDROID jp.co.yahoo.android.yjtop/3.149.0",
    f"{_IOS_APP} GSA/300.0.598629149 Safari/604.1",
]
USER_AGENTS += IN_APP_USER_AGENTS
CAMPAIGNS = [
    "spring_sale_2025",
    "bf-2025-11",
    "checkout-button-2025-11",
    "exp-checkout-2025",
    "newsletter_2025_11_24",
    "winter-campaign-jp",
    "retargeting_v2",
    "holiday_gift_guide_2025",
    "cyber-monday-2025-12-01",
    "line_friends_add",
    "add_to_cart",
    "purchase_complete",
    "signup-form-variant-b",
    "hero-banner-A",
    "free_shipping_threshold_5000",
    "test_group_3",
]
DATES = ["2025-11-24", "2025/11/24", "2025年11月24日", "24.11.2025", "11/24/2025",
         "令和7年11月24日", "2025-11-24T10:30:00+09:00", "Nov 24, 2025", "10:30:45"]  # fmt: skip
PRICES = ["¥12,800", "$1,299.00", "12,800円", "€49.99", "1,000,000円", "¥1280000", "税込 3,980円",
          "£15.50", "¥ 980", "2,480円(税込)"]  # fmt: skip
CODES = ["SKU-4821", "ABC-123-XYZ", "JP-13", "A4", "B5", "v2.14.3", "ver1.0.2", "No.12",
         "item_00123", "BLK-XL-2025", "ISO 3166-2", "RFC 5322", "x86_64", "arm64-v8a"]  # fmt: skip
LANGUAGES = ["ja-JP", "ja", "en-US", "en-GB", "zh-CN", "zh-Hant-TW", "ko-KR",
             "ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7", "pt-BR", "es-419"]  # fmt: skip
CHARSETS = ["UTF-8", "utf-8", "Shift_JIS", "EUC-JP", "ISO-2022-JP", "windows-1252",
            "ISO-8859-1", "windows-31j"]  # fmt: skip
PLATFORMS = ["Win32", "MacIntel", "iPhone", "iPad", "Linux armv81", "Linux aarch64",
             "Linux x86_64", "Android", "Windows", "macOS"]  # fmt: skip
FREE_TEXT = [
    "商品到着後7日以内であれば返品可能です。",
    "ご不明な点がございましたら、お気軽にお問い合わせください。",
    "在庫状況：残りわずか（3点）",
    "サイズ: 23.0cm / 23.5cm / 24.0cm",
    "配送予定日: 11月26日(水)〜11月28日(金)",
    "Shipping takes 3-5 business days.",
    "Call us during business hours (9:00-17:00 JST).",
    "Version 131.0.6778.135 is available.",
    "Step 1 of 3: shipping address",
    "Temperature range -20.5 to 40.0",
    "Ratio 16:9, resolution 1920x1080",
    "Score: 3.141 vs 2.718",
    "Pages 123-145",
    "Ages 3-5",
    "50% off everything!",
    "Up to 20%off & free returns",
    "Look at this offer",
    "Available at example.com and in stores",
    "Email us via the contact form",
    "Hanako's favourite recipes",
]
BENIGN_TEXT: list[str] = [
    *TITLES, *USER_AGENTS, *CAMPAIGNS, *PREFECTURES, *CITIES, *DATES, *PRICES, *CODES,
    *LANGUAGES, *CHARSETS, *PLATFORMS, *FREE_TEXT,
]  # fmt: skip
BENIGN_USER_AGENTS = USER_AGENTS
BENIGN_PATHS = [
    "/", "/products/326", "/products/shoes-123/blue", "/ja/category/shoes",
    "/blog/2025/11/24/winter-sale", "/cart", "/checkout/confirm", "/mypage/orders",
    "/search", "/en/help/faq", "/campaign/bf-2025-11", "/lp/spring_sale_2025/",
    "/category/mens/sneakers/page/2", "/item/SKU-4821", "/news/2025/11/", "/store/tokyo/shibuya",
    "/static/img/logo@2x.png", "/assets/app.3f9c2e1.js", "/カテゴリ/靴", "/ja/商品/タオル",
    "/products/326/reviews", "/sitemap.xml", "/robots.txt", "/feature/iphone15-case",
    "/brand/levis/501", "/ranking/weekly", "/guide/size-chart", "/en/p/1234", "/company/about",
]  # fmt: skip
